/**
 * One spelling per repository, so a payload's clone/web URLs can be compared with the
 * settings' `url`: `host/path`, lowercased, without scheme, credentials, port, trailing
 * `.git` or slashes. So these are all `github.com/acme/myapp`:
 *   https://user:token@GitHub.com/acme/myapp.git/   git@github.com:acme/myapp.git
 *   ssh://git@github.com:22/acme/myapp              git://github.com/acme/myapp
 * Scheme, ssh user and port do not make a different repository: the same repository is
 * reachable over http and ssh on different ports (Gitea 3000/22, Bitbucket Server
 * 7990/7999). Case does not either: GitHub, GitLab, Bitbucket, Gitea and Forgejo all
 * resolve owner/name case-insensitively.
 * Returns undefined for anything that is not a URL or scp-like address (`owner/name`,
 * a local path).
 */
export function normalizeRepoUrl(input: string): string | undefined {
  const value = input.trim();
  const parts = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? fromUrl(value) : fromScp(value);
  if (parts === undefined) return undefined;
  const path = normalizeRepoPath(parts.path);
  if (path === '' && parts.host === '') return undefined;
  return `${parts.host}/${path}`;
}

/** `/Acme//MyApp.git/` → `acme/myapp` */
export function normalizeRepoPath(path: string): string {
  let p = safeDecode(path).replace(/\/{2,}/g, '/').replace(/^\/+|\/+$/g, '');
  if (p.toLowerCase().endsWith('.git')) p = p.slice(0, -4).replace(/\/+$/, '');
  return p.toLowerCase();
}

/** The path part of a settings URL (or a local path as is), for `owner/name` suffix matching. */
export function repoUrlPath(input: string): string {
  const normalized = normalizeRepoUrl(input);
  if (normalized === undefined) return normalizeRepoPath(input);
  return normalized.slice(normalized.indexOf('/') + 1);
}

function fromUrl(value: string): { host: string; path: string } | undefined {
  try {
    const url = new URL(value);
    return { host: url.hostname.toLowerCase(), path: url.pathname };
  } catch {
    return undefined;
  }
}

/** `[user@]host:path`, as git understands it when there is no `://`. */
function fromScp(value: string): { host: string; path: string } | undefined {
  const match = /^(?:[^@/\s]+@)?([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(.*)$/.exec(value);
  if (!match || match[2].startsWith('//')) return undefined;
  return { host: match[1].toLowerCase(), path: match[2] };
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
