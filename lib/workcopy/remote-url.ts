/**
 * Remote URLs as IntegralGit compares and shows them. Two URLs name the same repository
 * when host (case-insensitive) and path (without a trailing `.git` or `/`) agree, whatever
 * the scheme, user, credentials or port: `git@host:acme/app.git` and
 * `https://host/acme/app` are one repository, as in webhook matching (SPEC §2).
 */
export interface UrlCredentials {
  username?: string;
  password?: string;
}

const SCHEME_URL = /^([a-z][a-z0-9+.-]*):\/\/(?:([^@/]*)@)?([^/?#]*)(.*)$/i;
const SCP_LIKE = /^(?:([^@/]+)@)?([^:/]{2,}):(?!\/\/)(.*)$/;

/**
 * The URL without credentials: fit for a log line, a message or `.git/config`. For http(s)
 * the whole `user:password@` goes (credentials are handed to git per command); for ssh the
 * user stays (it picks the account on the server) and only a password would go.
 */
export function stripCredentials(url: string): string {
  const m = SCHEME_URL.exec(url);
  if (!m || m[2] === undefined) return url;
  if (/^https?$/i.test(m[1])) return `${m[1]}://${m[3]}${m[4]}`;
  const user = m[2].split(':')[0];
  return `${m[1]}://${user ? user + '@' : ''}${m[3]}${m[4]}`;
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

export function isSshUrl(url: string): boolean {
  const m = SCHEME_URL.exec(url);
  if (m) return /^(ssh|git\+ssh|ssh\+git)$/i.test(m[1]);
  return SCP_LIKE.test(url) && !url.startsWith('/');
}

export function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** Comparison key: `host/path` (host lowercased) or `file:/abs/path` for local repositories. */
export function repositoryKey(url: string): string {
  const trimmed = url.trim();
  const m = SCHEME_URL.exec(trimmed);
  let host: string;
  let p: string;
  if (m) {
    if (m[1].toLowerCase() === 'file') return 'file:' + cleanPath(m[4]);
    host = m[3].replace(/:\d*$/, '').replace(/^\[(.*)\]$/, '$1');
    p = m[4].replace(/[?#].*$/, '');
  } else {
    const scp = SCP_LIKE.exec(trimmed);
    if (!scp || trimmed.startsWith('/')) return 'file:' + cleanPath(trimmed);
    host = scp[2].replace(/^\[(.*)\]$/, '$1');
    p = scp[3];
  }
  return `${host.toLowerCase()}/${cleanPath(p)}`;
}

function cleanPath(p: string): string {
  return p.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '').replace(/\/+$/, '');
}

export function sameRepository(a: string, b: string): boolean {
  return repositoryKey(a) === repositoryKey(b);
}
