import fs from 'node:fs/promises';
import path from 'node:path';
import { IndexEntry, readIndex } from './git-index';
import { hashBlob } from './hash-blob';
import type { TrackedState } from '../core/local-changes';
import { mapLimit } from './map-limit';
import { isTree, TreeEntry } from '../core/tree-entry';

/**
 * Tracked changes as `git status` finds them, without native git and without writing:
 * the index against HEAD's tree (staged changes, conflicts), then the disk against the
 * index — kind, executable bit, and content, which is hashed unless the stat data recorded
 * in the index still matches and the entry is not racily clean.
 */
export async function isoTrackedState(dir: string, headTree: TreeEntry[] | null): Promise<TrackedState> {
  const gitdir = path.join(dir, '.git');
  const head = new Map((headTree ?? []).filter((e) => !isTree(e)).map((e) => [e.path, e]));
  const index = await readIndex(gitdir);
  if (!index) return { changed: [...head.keys()].sort(), tracked: new Set() };
  const indexTime = (await fs.stat(path.join(gitdir, 'index'), { bigint: true })).mtimeNs;
  const changed = new Set<string>();
  const staged = new Set<string>();
  for (const e of index) {
    staged.add(e.path);
    const h = head.get(e.path);
    if (e.stage !== 0 || !h || h.oid !== e.oid || parseInt(h.mode, 8) !== e.mode) changed.add(e.path);
  }
  for (const p of head.keys()) if (!staged.has(p)) changed.add(p);
  const dirty = await mapLimit(
    index.filter((e) => e.stage === 0 && e.mode !== 0o160000),
    32,
    async (e) => ((await differsFromDisk(dir, e, indexTime)) ? e.path : null),
  );
  for (const p of dirty) if (p) changed.add(p);
  return { changed: [...changed].sort(), tracked: staged };
}

async function differsFromDisk(dir: string, e: IndexEntry, indexTime: bigint): Promise<boolean> {
  const abs = path.join(dir, e.path);
  const st = await fs.lstat(abs, { bigint: true }).catch(() => null);
  if (!st) return true;
  if (e.mode === 0o120000) return !st.isSymbolicLink() || hashBlob(Buffer.from(await fs.readlink(abs))) !== e.oid;
  if (!st.isFile()) return true;
  if (Boolean(st.mode & 0o100n) !== (e.mode === 0o100755)) return true;
  if (Number(st.size % 0x100000000n) !== e.size) return true;
  const sec = (t: bigint): number => Number((t / 1000000000n) % 0x100000000n);
  const nsec = (t: bigint): number => Number(t % 1000000000n);
  const statClean =
    sec(st.mtimeNs) === e.mtimeSec &&
    nsec(st.mtimeNs) === e.mtimeNsec &&
    sec(st.ctimeNs) === e.ctimeSec &&
    nsec(st.ctimeNs) === e.ctimeNsec &&
    Number(st.ino % 0x100000000n) === e.ino &&
    st.mtimeNs < indexTime;
  return !statClean && hashBlob(await fs.readFile(abs)) !== e.oid;
}
