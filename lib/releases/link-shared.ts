import fs from 'node:fs/promises';
import path from 'node:path';
import { IntegralGitError } from '../errors';

/**
 * Link each `shared` entry of the release to `location/shared/<entry>` (SPEC §10), the way
 * Capistrano's linked files and dirs work: what the release's tree has at that path is
 * replaced by the link. Every leading directory inside the release must be a real directory
 * (never a symlink from the repository), so nothing is ever created outside the release.
 * The shared target must exist: a missing `.env` silently becoming an empty directory would
 * be worse than a clear failure.
 */
export async function linkShared(releaseDir: string, sharedDir: string, entries: readonly string[]): Promise<string[]> {
  const linked: string[] = [];
  for (const entry of entries) {
    const segments = entry.split('/').filter((s) => s !== '' && s !== '.');
    if (segments.length === 0 || segments.some((s) => s === '..')) throw failed(`shared entry "${entry}" is not a path inside the release`, entry);
    const target = path.join(sharedDir, ...segments);
    if (!(await fs.lstat(target).catch(() => null))) {
      throw failed(`shared entry "${entry}" does not exist at ${target}: create it there once (the file or directory every release shares)`, entry);
    }
    let dir = releaseDir;
    for (const seg of segments.slice(0, -1)) {
      dir = path.join(dir, seg);
      const st = await fs.lstat(dir).catch(() => null);
      if (!st) await fs.mkdir(dir);
      else if (!st.isDirectory()) throw failed(`shared entry "${entry}": ${path.relative(releaseDir, dir)} in the release is not a directory (a symlink or file from the repository)`, entry);
    }
    const at = path.join(dir, segments[segments.length - 1]);
    // rm on a symlink removes the link, never what it points to
    await fs.rm(at, { recursive: true, force: true });
    await fs.symlink(path.relative(path.dirname(at), target), at);
    linked.push(entry);
  }
  return linked;
}

function failed(message: string, entry: string): IntegralGitError {
  return new IntegralGitError('IG_RELEASE_FAILED', message, { entry });
}
