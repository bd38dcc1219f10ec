import fs from 'node:fs/promises';
import path from 'node:path';
import { IntegralGitError } from '../../errors';
import { repositoryKey, sameRepository, stripCredentials } from '../../remote-url';

/**
 * What is at `location` before a sync: nothing, an empty directory (both fine to clone
 * into), or an ordinary git working copy. Anything else is refused untouched: a directory
 * with files but no `.git`, a file, or a `.git` file pointing elsewhere (linked worktree,
 * submodule), whose git directory would live outside `location`.
 */
export type LocationState = 'absent' | 'empty' | 'copy';

export async function inspectLocation(location: string, url: string): Promise<LocationState> {
  let st;
  try {
    st = await fs.stat(location);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw err;
  }
  if (!st.isDirectory()) throw foreign(location, url, 'is a file, not a directory');
  const names = await fs.readdir(location);
  if (names.length === 0) return 'empty';
  const dotGit = await fs.lstat(path.join(location, '.git')).catch(() => null);
  if (!dotGit) throw foreign(location, url, 'is not empty and is not a git working copy');
  if (!dotGit.isDirectory()) {
    throw foreign(location, url, 'has a `.git` that is not a directory (a linked worktree or a submodule?)');
  }
  return 'copy';
}

/**
 * A copy is of the same repository when its `remote` points at the settings' URL
 * (normalised). When that remote is missing but another one matches, the copy is still
 * ours and `remote` is added by the sync. Returns false when `remote` must be created.
 */
export function assertSameRepository(location: string, url: string, remote: string, remotes: Record<string, string>): boolean {
  const own = remotes[remote];
  if (own !== undefined) {
    if (sameRepository(own, url)) return true;
    throw foreign(location, url, `is a working copy of ${stripCredentials(own)} (remote \`${remote}\`)`, own);
  }
  if (Object.values(remotes).some((u) => sameRepository(u, url))) return false;
  const others = Object.entries(remotes).map(([n, u]) => `${n} = ${stripCredentials(u)}`);
  throw foreign(
    location,
    url,
    others.length ? `is a working copy of another repository (remotes: ${others.join(', ')})` : `is a git working copy without a remote \`${remote}\``,
    others.join(', ') || undefined,
  );
}

function foreign(location: string, url: string, what: string, other?: string): IntegralGitError {
  return new IntegralGitError(
    'IG_WORKCOPY_FOREIGN',
    `${location} ${what}, not ${stripCredentials(url)}; nothing was changed. ` +
      'Move it away or fix `location` in the repo config.',
    { location, url: stripCredentials(url), other: other ? stripCredentials(other) : undefined, key: repositoryKey(url) },
  );
}
