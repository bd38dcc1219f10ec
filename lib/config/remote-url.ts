/**
 * Which transport a remote URL needs. isomorphic-git speaks only smart HTTP(S); SSH,
 * scp-like (`git@host:path`), `git://`, `file://` and local paths are read with the
 * native git backend.
 */
export type RemoteKind = 'http' | 'ssh' | 'local' | 'other';

export function remoteKind(url: string): RemoteKind {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') return 'http';
  if (scheme === 'ssh' || scheme === 'git+ssh' || scheme === 'ssh+git') return 'ssh';
  if (scheme === 'file') return 'local';
  if (scheme) return 'other';
  if (url.startsWith('/') || url.startsWith('.')) return 'local';
  // scp-like syntax: [user@]host:path, with no slash before the first colon
  if (/^[^/]+:/.test(url)) return 'ssh';
  return 'local';
}

/** The URL without user info, fit for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
