import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { IntegralGitError } from '../errors';
import type { ReleaseLayout } from './release-layout';

/**
 * Point `current` at a release atomically (SPEC §10): a new symlink is made beside it and
 * renamed over the old one, so a reader resolving `current` at any instant finds the old
 * release or the new one, never nothing. The link is relative (`releases/<name>`), so the
 * whole `location` can be moved or bind-mounted. Returns the time the switch took.
 */
export async function switchCurrent(layout: ReleaseLayout, name: string): Promise<{ previous: string | null; ms: number }> {
  const started = performance.now();
  const previous = await currentRelease(layout);
  const tmp = path.join(layout.location, `.current.${process.pid}.${randomBytes(4).toString('hex')}`);
  try {
    await fs.symlink(path.join('releases', name), tmp);
    await fs.rename(tmp, layout.current);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    const st = await fs.lstat(layout.current).catch(() => null);
    const hint = st && !st.isSymbolicLink() ? `: ${layout.current} exists and is not a symlink; move it away` : '';
    throw new IntegralGitError('IG_RELEASE_FAILED', `could not switch ${layout.current} to releases/${name} (${(err as Error).message})${hint}`, { release: name });
  }
  await syncDir(layout.location);
  return { previous, ms: performance.now() - started };
}

/** The release `current` points at, or null when there is none yet. */
export async function currentRelease(layout: ReleaseLayout): Promise<string | null> {
  const target = await fs.readlink(layout.current).catch(() => null);
  return target === null ? null : path.basename(target);
}

/** The rename is on disk before the deployment says the switch happened. */
async function syncDir(dir: string): Promise<void> {
  const fd = await fs.open(dir, 'r').catch(() => null);
  if (!fd) return;
  try {
    await fd.sync();
  } catch {
    // some filesystems refuse fsync on a directory; the rename is still atomic
  } finally {
    await fd.close();
  }
}
