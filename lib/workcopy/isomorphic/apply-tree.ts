import fs from 'node:fs/promises';
import path from 'node:path';
import { IntegralGitError } from '../../errors';
import { entryFromStat, IndexEntry } from './git-index';
import { mapLimit } from './map-limit';
import type { TreeChange } from '../core/tree-changes';
import { isTree, MODE_EXEC, MODE_GITLINK, MODE_LINK, MODE_TREE, TreeEntry } from '../core/tree-entry';

/**
 * Bring a working tree from the tracked state in `current` (the index, which local-change
 * detection has shown equal to the disk) to `target`, and return the new index entries.
 * Used by the isomorphic backend instead of isomorphic-git's checkout, which mishandles
 * retargeted symlinks and file↔directory changes on an existing copy (issue 4).
 *
 * Order: remove what goes away or changes kind, prune directories left empty, create
 * directories, write files. Nothing is ever written through a symlink: every leading
 * directory is checked with lstat and created without following links, an existing entry
 * is unlinked before its replacement is created, and files are opened with O_EXCL.
 * Untracked and ignored files are never touched; a directory that still holds some stays.
 */
export interface ApplyResult {
  index: IndexEntry[];
  /** paths written (created or replaced) */
  written: string[];
  /** tracked paths removed */
  removed: string[];
}

export type ReadObject = (oid: string) => Promise<Uint8Array>;

const MODE_NUM: Record<string, number> = { '100644': 0o100644, '100755': 0o100755, '120000': 0o120000, '160000': 0o160000 };

export async function applyTree(dir: string, current: IndexEntry[], target: TreeEntry[], readBlob: ReadObject): Promise<ApplyResult> {
  const wanted = new Map(target.filter((e) => !isTree(e)).map((e) => [e.path, e]));
  const keepDirs = new Set<string>();
  for (const p of wanted.keys()) for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) keepDirs.add(p.slice(0, i));
  const have = trackedEntries(current);
  const remove = [...have.keys()].filter((p) => mustRemove(have.get(p) as IndexEntry, wanted.get(p)));
  return applyPlan(dir, have, { remove, keepDirs, write: [...wanted.values()] }, readBlob);
}

/**
 * The same for an index equal to HEAD's tree and the diff HEAD → target (tree-changes.ts):
 * only the changed paths are removed, written and stat'ed, and the index keeps every other
 * entry as it is, so a one-commit update costs what the commit changed, not the tree's size.
 */
export async function applyChanges(dir: string, current: IndexEntry[], changes: TreeChange[], readBlob: ReadObject): Promise<ApplyResult> {
  const have = trackedEntries(current);
  const keepDirs = new Set(changes.filter((c) => c.newMode === MODE_TREE).map((c) => c.path));
  const target = (c: TreeChange): TreeEntry | undefined =>
    c.newMode === null || c.newMode === MODE_TREE ? undefined : { path: c.path, mode: c.newMode, oid: c.newOid ?? '' };
  const remove = changes.filter((c) => have.has(c.path) && mustRemove(have.get(c.path) as IndexEntry, target(c))).map((c) => c.path);
  const write = changes.map(target).filter((e): e is TreeEntry => e !== undefined);
  return applyPlan(dir, have, { remove, keepDirs, write }, readBlob);
}

interface Plan {
  /** tracked paths to take off the disk */
  remove: string[];
  /** directories the target holds: never pruned */
  keepDirs: Set<string>;
  /** target entries that may need writing (those equal to the index are skipped) */
  write: TreeEntry[];
}

function trackedEntries(current: IndexEntry[]): Map<string, IndexEntry> {
  return new Map(current.filter((e) => e.stage === 0).map((e) => [e.path, e]));
}

/** A tracked entry goes when the target lacks it, changes its kind, or retargets a symlink. */
function mustRemove(e: IndexEntry, w: TreeEntry | undefined): boolean {
  const sameKind = w && kindOf(MODE_NUM[w.mode]) === kindOf(e.mode);
  return !sameKind || (w.mode === MODE_LINK && w.oid !== e.oid);
}

async function applyPlan(dir: string, have: Map<string, IndexEntry>, plan: Plan, readBlob: ReadObject): Promise<ApplyResult> {
  const removed = new Set<string>();
  const emptied = new Set<string>();
  for (const p of plan.remove) {
    await removeEntry(dir, p, (have.get(p) as IndexEntry).mode);
    removed.add(p);
    for (let d = path.posix.dirname(p); d !== '.'; d = path.posix.dirname(d)) emptied.add(d);
  }
  // deepest first, so a parent is tried after its children
  for (const d of [...emptied].sort((a, b) => b.length - a.length)) {
    if (!plan.keepDirs.has(d)) await fs.rmdir(path.join(dir, d)).catch(() => undefined);
  }

  const toWrite = plan.write.filter((w) => {
    const e = have.get(w.path);
    return !e || removed.has(w.path) || e.oid !== w.oid || e.mode !== MODE_NUM[w.mode];
  });
  const dirs = new Set<string>();
  for (const w of toWrite) for (let d = path.posix.dirname(w.path); d !== '.'; d = path.posix.dirname(d)) dirs.add(d);
  for (const d of [...dirs].sort((a, b) => a.length - b.length)) await ensureRealDir(dir, d);
  await mapLimit(toWrite, 16, async (w) => writeEntry(dir, w, w.mode === MODE_GITLINK ? null : await readBlob(w.oid)));

  // every other entry is unchanged on disk: its stat data in the index stays valid
  const index = new Map(have);
  for (const p of removed) index.delete(p);
  const stats = await mapLimit(toWrite, 32, async (w) => {
    const st = w.mode === MODE_GITLINK ? null : await fs.lstat(path.join(dir, w.path), { bigint: true });
    return entryFromStat(w.path, MODE_NUM[w.mode], w.oid, st);
  });
  for (const e of stats) index.set(e.path, e);
  return { index: [...index.values()], written: toWrite.map((w) => w.path), removed: [...removed] };
}

function kindOf(mode: number): 'file' | 'link' | 'gitlink' {
  if (mode === 0o120000) return 'link';
  if (mode === 0o160000) return 'gitlink';
  return 'file';
}

async function removeEntry(dir: string, rel: string, mode: number): Promise<void> {
  const abs = path.join(dir, rel);
  if (mode === 0o160000) {
    // like git: a submodule directory that still holds a checkout stays
    await fs.rmdir(abs).catch(() => undefined);
    return;
  }
  const st = await fs.lstat(abs).catch(() => null);
  if (st && !st.isDirectory()) await fs.unlink(abs);
}

/** mkdir one level at a time, refusing to pass through anything but a real directory. */
async function ensureRealDir(dir: string, rel: string): Promise<void> {
  const abs = path.join(dir, rel);
  const st = await fs.lstat(abs).catch(() => null);
  if (st?.isDirectory()) return;
  if (st) {
    throw new IntegralGitError('IG_WORKCOPY_DIRTY', `working copy has local changes: ${rel} (it is in the way of a directory the new commit needs)`, {
      location: dir,
      files: [rel],
    });
  }
  await fs.mkdir(abs);
}

export async function writeEntry(dir: string, w: TreeEntry, content: Uint8Array | null): Promise<void> {
  const abs = path.join(dir, w.path);
  const st = await fs.lstat(abs).catch(() => null);
  if (st?.isDirectory()) {
    if (w.mode === MODE_GITLINK) return;
    await fs.rmdir(abs); // an empty directory in the way; a non-empty one was reported as a local change
  } else if (st) await fs.unlink(abs);
  if (w.mode === MODE_GITLINK) await fs.mkdir(abs);
  else if (w.mode === MODE_LINK) await fs.symlink(Buffer.from(content as Uint8Array).toString('utf8'), abs);
  else await fs.writeFile(abs, content as Uint8Array, { flag: 'wx', mode: w.mode === MODE_EXEC ? 0o777 : 0o666 });
}
