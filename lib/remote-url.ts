import path from 'node:path';

/**
 * Git remote URLs, the one home for them: what kind a URL is, whether the settings accept
 * it, how it is shown (redacted), and when two URLs name the same repository.
 *
 * Two URLs name the same repository when host (case-insensitive) and path (without a
 * trailing `.git` or `/`, case-insensitive) agree, whatever the scheme, user, credentials
 * or port: `https://github.com/Acme/App` and `git@github.com:acme/app.git` are one
 * repository for the webhook matcher and for the working-copy check alike. The same
 * repository is reachable over http and ssh on different ports (Gitea 3000/22, Bitbucket
 * Server 7990/7999), and GitHub, GitLab, Bitbucket, Gitea and Forgejo all resolve
 * owner/name case-insensitively. Local repositories compare by exact path.
 */

/** http(s), ssh (also scp-like `git@host:path`), local (a path or file://), other (git://, …) */
export type RemoteKind = 'http' | 'ssh' | 'local' | 'other';

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const SCHEME_URL = /^([a-z][a-z0-9+.-]*):\/\/(?:([^@/]*)@)?([^/?#]*)(.*)$/i;
/** `[user@]host:path` as git reads it when there is no `://`; a one-letter host is a Windows drive */
const SCP_LIKE = /^(?:([^@/\s]+)@)?([A-Za-z0-9][A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(?!\/\/)(.*)$/;

export function remoteKind(url: string): RemoteKind {
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') return 'http';
  if (scheme === 'ssh' || scheme === 'git+ssh' || scheme === 'ssh+git') return 'ssh';
  if (scheme === 'file') return 'local';
  if (scheme) return 'other';
  if (url.startsWith('/') || url.startsWith('.')) return 'local';
  // scp-like syntax: [user@]host:path, with no slash before the first colon
  if (/^[^/]+:/.test(url)) return 'ssh';
  return 'local';
}

export function isSshUrl(url: string): boolean {
  return remoteKind(url) === 'ssh' && (SCHEME.test(url) || SCP_LIKE.test(url));
}

export function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** The URL without any user info (`user:token@`), fit for messages, logs and pages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/**
 * The URL without credentials, for `.git/config`: for http(s) the whole `user:password@`
 * goes (credentials are handed to git per command); for ssh the user stays (it picks the
 * account on the server) and only a password would go.
 */
export function stripCredentials(url: string): string {
  const m = SCHEME_URL.exec(url);
  if (!m || m[2] === undefined) return url;
  if (/^https?$/i.test(m[1])) return `${m[1]}://${m[3]}${m[4]}`;
  const user = m[2].split(':')[0];
  return `${m[1]}://${user ? user + '@' : ''}${m[3]}${m[4]}`;
}

export interface UrlCredentials {
  username?: string;
  password?: string;
}

/** Credentials embedded in an http(s) URL (`https://user:token@host/…`), decoded. */
export function urlCredentials(url: string): UrlCredentials {
  const m = SCHEME_URL.exec(url);
  if (!m || !m[2] || !/^https?$/i.test(m[1])) return {};
  const [user, ...rest] = m[2].split(':');
  const out: UrlCredentials = {};
  if (user) out.username = decodeURIComponent(user);
  if (rest.length > 0) out.password = decodeURIComponent(rest.join(':'));
  return out;
}

/**
 * The match key of a hosted repository: `host/path`, lowercased, without scheme,
 * credentials, port, trailing `.git` or slashes. So these are all `github.com/acme/myapp`:
 *   https://user:token@GitHub.com/acme/myapp.git/   git@github.com:acme/myapp.git
 *   ssh://git@github.com:22/acme/myapp              git://github.com/acme/myapp
 * Undefined for anything that is not a URL or scp-like address (`owner/name`, a local path).
 */
export function repoMatchKey(input: string): string | undefined {
  const value = input.trim();
  const parts = SCHEME.test(value) ? fromUrl(value) : fromScp(value);
  if (parts === undefined) return undefined;
  const p = normalizeRepoPath(parts.path);
  if (p === '' && parts.host === '') return undefined;
  return `${parts.host}/${p}`;
}

/** `/Acme//MyApp.git/` → `acme/myapp` */
export function normalizeRepoPath(p: string): string {
  let out = safeDecode(p).replace(/\/{2,}/g, '/').replace(/^\/+|\/+$/g, '');
  if (out.toLowerCase().endsWith('.git')) out = out.slice(0, -4).replace(/\/+$/, '');
  return out.toLowerCase();
}

/** The path part of a settings URL (or a local path as is), for `owner/name` suffix matching. */
export function repoUrlPath(input: string): string {
  const key = repoMatchKey(input);
  if (key === undefined) return normalizeRepoPath(input);
  return key.slice(key.indexOf('/') + 1);
}

/** The comparison key of any remote: the match key of a hosted one, `file:<path>` for a local one. */
export function repositoryKey(url: string): string {
  const trimmed = url.trim();
  if (/^file:\/\//i.test(trimmed)) return 'file:' + cleanLocalPath(trimmed.replace(/^file:\/\/(localhost)?/i, ''));
  if (trimmed.startsWith('/') || trimmed.startsWith('.')) return 'file:' + cleanLocalPath(trimmed);
  return repoMatchKey(trimmed) ?? 'file:' + cleanLocalPath(trimmed);
}

export function sameRepository(a: string, b: string): boolean {
  return repositoryKey(a) === repositoryKey(b);
}

function cleanLocalPath(p: string): string {
  return p.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '').replace(/\/+$/, '');
}

function fromUrl(value: string): { host: string; path: string } | undefined {
  try {
    const url = new URL(value);
    return { host: url.hostname.toLowerCase(), path: url.pathname };
  } catch {
    return undefined;
  }
}

function fromScp(value: string): { host: string; path: string } | undefined {
  const match = SCP_LIKE.exec(value);
  if (!match) return undefined;
  return { host: match[2].toLowerCase(), path: match[3] };
}

function safeDecode(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

export type RepoUrlKind = 'http' | 'ssh' | 'local';

/**
 * What kind of remote a settings `url` is, or why it is refused. The URL is what IntegralGit
 * fetches (never a URL from a payload), so it must be unambiguous and carry no
 * credentials: those go in `auth` (or `sshKeyFile`), where they are kept out of logs,
 * pages and the deploy script's environment. Messages never repeat the URL.
 */
export function classifyRepoUrl(url: string): { kind: RepoUrlKind } | { problem: string } {
  const trimmed = url.trim();
  if (trimmed !== url || /\s/.test(url)) return { problem: 'must not contain spaces' };
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme) return classifyWithScheme(scheme, url);
  if (path.isAbsolute(url)) return { kind: 'local' };
  const scp = /^(?:([^@/]+)@)?([A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]+\]):(.+)$/.exec(url);
  if (scp) {
    if (scp[1]?.includes(':')) return { problem: credentialsProblem('ssh') };
    return { kind: 'ssh' };
  }
  return {
    problem:
      'must be an https://, http:// or ssh:// URL, an scp-like address such as git@host:owner/repo.git, ' +
      'or an absolute local path / file:// URL',
  };
}

function classifyWithScheme(scheme: string, url: string): { kind: RepoUrlKind } | { problem: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: `is not a valid ${scheme}:// URL` };
  }
  if (scheme === 'http' || scheme === 'https') {
    if (parsed.username || parsed.password) return { problem: credentialsProblem('http') };
    if (!parsed.hostname) return { problem: `has no host name` };
    return { kind: 'http' };
  }
  if (scheme === 'ssh' || scheme === 'git+ssh') {
    // the ssh user (git@) is not a secret; a password in the URL is
    if (parsed.password) return { problem: credentialsProblem('ssh') };
    if (!parsed.hostname) return { problem: `has no host name` };
    return { kind: 'ssh' };
  }
  if (scheme === 'file') {
    if (parsed.hostname && parsed.hostname !== 'localhost') return { problem: 'file:// URLs must name a local path (file:///srv/git/repo.git)' };
    return { kind: 'local' };
  }
  if (scheme === 'git') return { problem: 'uses the unauthenticated git:// protocol; use https:// or ssh:// instead' };
  return { problem: `uses the unsupported scheme ${scheme}://; use https://, http://, ssh:// or a local path` };
}

function credentialsProblem(kind: 'http' | 'ssh'): string {
  return kind === 'http'
    ? 'embeds credentials (user:token@host); remove them from the URL and set auth.username/auth.usernameEnv and auth.token/auth.tokenEnv instead, which are kept out of logs and scripts'
    : 'embeds a password; remove it from the URL and use sshKeyFile (a deploy key) instead';
}
