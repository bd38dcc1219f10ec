import path from 'node:path';

export type RepoUrlKind = 'http' | 'ssh' | 'local';

/**
 * What kind of remote a repo `url` is, or why it is refused. The URL is what IntegralGit
 * fetches (never a URL from a payload), so it must be unambiguous and carry no
 * credentials: those go in `auth` (or `sshKeyFile`), where they are kept out of logs,
 * pages and the deploy script's environment. Messages never repeat the URL.
 */
export function classifyRepoUrl(url: string): { kind: RepoUrlKind } | { problem: string } {
  const trimmed = url.trim();
  if (trimmed !== url || /\s/.test(url)) return { problem: 'must not contain spaces' };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme) return classifyWithScheme(scheme, url);
  if (path.isAbsolute(url)) return { kind: 'local' };
  // scp-like syntax understood by git and ssh: [user@]host:path
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
