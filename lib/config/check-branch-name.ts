/**
 * Why `name` is not a branch name git would accept (the rules of `git check-ref-format
 * --branch`), or undefined when it is fine. Checked here, at parse time, so a bad
 * `branch` is a config error with its cause instead of a failing git command later; a
 * leading `-` is also refused because the name ends up in git's argv.
 */
export function branchNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (Buffer.byteLength(name) > 255) return 'must be at most 255 bytes long';
  if (name.startsWith('-')) return 'must not start with "-"';
  if (name === 'HEAD' || name === '@') return `must not be "${name}"`;
  if (hasSpaceOrControl(name)) return 'must not contain spaces or control characters';
  const bad = name.match(/[~^:?*[\\]/);
  if (bad) return `must not contain "${bad[0]}"`;
  if (name.includes('..')) return 'must not contain ".."';
  if (name.includes('@{')) return 'must not contain "@{"';
  if (name.startsWith('/') || name.endsWith('/')) return 'must not start or end with "/"';
  if (name.includes('//')) return 'must not contain "//"';
  if (name.endsWith('.')) return 'must not end with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return 'no part between slashes may start with "."';
    if (part.endsWith('.lock')) return 'no part between slashes may end with ".lock"';
  }
  return undefined;
}

/**
 * Why `name` is not a remote name git would accept, or undefined when it is fine. git takes
 * a remote name when refs/remotes/<name>/… is a valid ref; "/" is refused too so the name
 * stays one path component. The only rule for remotes: `validate` (parse time) and the
 * working copy (deploy time) both ask it, so what validates also deploys (the original
 * README's example remote, with its apostrophe, is fine).
 */
export function remoteNameProblem(name: string): string | undefined {
  return branchNameProblem(name) ?? (name.includes('/') ? 'must not contain "/"' : undefined);
}

/** True when `s` holds whitespace or an ASCII control character (NUL … US, DEL). */
export function hasSpaceOrControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return true;
  }
  return /\s/.test(s);
}
