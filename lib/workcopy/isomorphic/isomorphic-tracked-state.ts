import fs from 'node:fs/promises';
import path from 'node:path';
import { IndexEntry, readIndexAndChecksum } from './git-index';
import { hashBlob } from './hash-blob';
import type { TrackedState } from '../core/local-changes';
import { mapLimit } from './map-limit';
import { isTree, TreeEntry } from '../core/tree-entry';

/**
 * Tracked changes as `git status` finds them, without native git and without writing:
 * the index against HEAD's tree (staged changes, conflicts), then the disk against the
 * index — kind, executable bit, and content, which is hashed unless the stat data recorded
 * in the index still matches and the entry is not racily clean.
 *
 * HEAD's tree is read only when the index is not the one this backend wrote for HEAD
 * (recordIndexTree): an index whose checksum is the recorded one holds HEAD's tree exactly,
 * so listing 20,000 entries of HEAD on every deployment would find nothing.
 */
export async function isoTrackedState(dir: string, head: string | null, readTree: (commit: string) => Promise<TreeEntry[]>): Promise<TrackedState> {
  const gitdir = path.join(dir, '.git');
  const read = await readIndexAndChecksum(gitdir);
  const index = read?.entries ?? null;
  const equalsHead = read !== null && head !== null && (await readIndexTree(gitdir)) === `${head} ${read.checksum}`;
  const headTree = head && !equalsHead ? await readTree(head) : null;
  const headEntries = new Map((headTree ?? []).filter((e) => !isTree(e)).map((e) => [e.path, e]));
  if (!index) return { changed: [...headEntries.keys()].sort(), tracked: new Set() };
  const indexTime = (await fs.stat(path.join(gitdir, 'index'), { bigint: true })).mtimeNs;
  const changed = new Set<string>();
  const staged = new Set<string>();
  for (const e of index) {
    staged.add(e.path);
    if (equalsHead) continue;
    const h = headEntries.get(e.path);
    if (e.stage !== 0 || !h || h.oid !== e.oid || parseInt(h.mode, 8) !== e.mode) changed.add(e.path);
  }
  for (const p of headEntries.keys()) if (!staged.has(p)) changed.add(p);
  const dirty = await mapLimit(
    index.filter((e) => e.stage === 0 && e.mode !== 0o160000),
    32,
    async (e) => ((await differsFromDisk(dir, e, indexTime)) ? e.path : null),
  );
  for (const p of dirty) if (p) changed.add(p);
  return { changed: [...changed].sort(), tracked: staged };
}

const INDEX_TREE_FILE = 'integralgit-index-tree';

/** Remember that the index now on disk holds exactly `commit`'s tree (after a checkout wrote both). */
export async function recordIndexTree(gitdir: string, commit: string): Promise<void> {
  const read = await readIndexAndChecksum(gitdir);
  if (read) await fs.writeFile(path.join(gitdir, INDEX_TREE_FILE), `${commit} ${read.checksum}\n`);
}

async function readIndexTree(gitdir: string): Promise<string | null> {
  const text = await fs.readFile(path.join(gitdir, INDEX_TREE_FILE), 'utf8').catch(() => null);
  return text === null ? null : text.trim();
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
