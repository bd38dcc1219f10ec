import fs from 'node:fs/promises';
import path from 'node:path';
import { hashBlob } from './hash-blob';
import { mapLimit } from './map-limit';
import { isTree, MODE_EXEC, MODE_GITLINK, MODE_LINK, TreeEntry } from '../core/tree-entry';

/**
 * After a checkout by the isomorphic backend: does the disk hold exactly the commit's tree?
 * Every path is checked for kind, executable bit and symlink target; contents are hashed
 * for the paths just written (all of them after a clone); removed paths must be gone.
 * Returns the paths that differ.
 */
export async function verifyTree(dir: string, target: TreeEntry[], hashPaths: Set<string> | 'all', removed: string[]): Promise<string[]> {
  const wanted = target.filter((e) => !isTree(e));
  const wantedPaths = new Set(wanted.map((e) => e.path));
  const wantedDirs = new Set(target.filter(isTree).map((e) => e.path));
  const bad = await mapLimit(wanted, 32, async (e) => ((await matches(dir, e, hashPaths === 'all' || hashPaths.has(e.path))) ? null : e.path));
  const leftovers = await mapLimit(
    removed.filter((p) => !wantedPaths.has(p) && !wantedDirs.has(p)),
    32,
    async (p) => {
      const st = await fs.lstat(path.join(dir, p)).catch(() => null);
      return st && !st.isDirectory() ? p : null;
    },
  );
  return [...bad, ...leftovers].filter((p): p is string => p !== null);
}

async function matches(dir: string, e: TreeEntry, hash: boolean): Promise<boolean> {
  const abs = path.join(dir, e.path);
  const st = await fs.lstat(abs).catch(() => null);
  if (!st) return false;
  if (e.mode === MODE_GITLINK) return st.isDirectory();
  if (e.mode === MODE_LINK) return st.isSymbolicLink() && (await fs.readlink(abs)) === e.linkTarget;
  if (!st.isFile() || Boolean(st.mode & 0o100) !== (e.mode === MODE_EXEC)) return false;
  return !hash || hashBlob(await fs.readFile(abs)) === e.oid;
}
