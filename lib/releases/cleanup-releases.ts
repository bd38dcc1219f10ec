import fs from 'node:fs/promises';
import { currentRelease } from './switch-current';
import { isReleaseName, type ReleaseLayout } from './release-layout';
import { removeRelease } from './prepare-release';

/** Names of the releases on disk, oldest first (the names sort by time). */
export async function listReleases(layout: ReleaseLayout): Promise<string[]> {
  const names = await fs.readdir(layout.releases).catch(() => [] as string[]);
  return names.filter(isReleaseName).sort();
}

/**
 * Keep the newest `keep` releases (SPEC §10) and delete the others, except the one `current`
 * points at and those in `protect` (the last one that passed its checks: the release a
 * revert goes back to must never be the one cleaned away). Returns the names removed.
 */
export async function cleanupReleases(layout: ReleaseLayout, keep: number, protect: readonly string[] = []): Promise<string[]> {
  const all = await listReleases(layout);
  const current = await currentRelease(layout);
  const kept = new Set([...all.slice(-Math.max(1, keep)), ...protect]);
  if (current) kept.add(current);
  const removed: string[] = [];
  for (const name of all) {
    if (kept.has(name)) continue;
    await removeRelease(layout, name);
    removed.push(name);
  }
  return removed;
}
