import fs from 'node:fs/promises';
import path from 'node:path';
import { IntegralGitError } from '../../errors';
import { entryFromStat, IndexEntry } from './git-index';
import { mapLimit } from './map-limit';
import { isTree, MODE_EXEC, MODE_GITLINK, MODE_LINK, TreeEntry } from '../core/tree-entry';

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
  const wantedDirs = new Set<string>();
  for (const p of wanted.keys()) for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) wantedDirs.add(p.slice(0, i));
  const have = new Map(current.filter((e) => e.stage === 0).map((e) => [e.path, e]));

  const removed = new Set<string>();
  const emptied = new Set<string>();
  for (const [p, e] of have) {
    const w = wanted.get(p);
    const sameKind = w && kindOf(MODE_NUM[w.mode]) === kindOf(e.mode);
    if (sameKind && !(w.mode === MODE_LINK && w.oid !== e.oid)) continue;
    await removeEntry(dir, p, e.mode);
    removed.add(p);
    for (let d = path.posix.dirname(p); d !== '.'; d = path.posix.dirname(d)) emptied.add(d);
  }
  // deepest first, so a parent is tried after its children
  for (const d of [...emptied].sort((a, b) => b.length - a.length)) {
    if (!wantedDirs.has(d)) await fs.rmdir(path.join(dir, d)).catch(() => undefined);
  }

  const toWrite = [...wanted.values()].filter((w) => {
    const e = have.get(w.path);
    return !e || removed.has(w.path) || e.oid !== w.oid || e.mode !== MODE_NUM[w.mode];
  });
  const dirs = new Set<string>();
  for (const w of toWrite) for (let d = path.posix.dirname(w.path); d !== '.'; d = path.posix.dirname(d)) dirs.add(d);
  for (const d of [...dirs].sort((a, b) => a.length - b.length)) await ensureRealDir(dir, d);
  await mapLimit(toWrite, 16, async (w) => writeEntry(dir, w, w.mode === MODE_GITLINK ? null : await readBlob(w.oid)));

  const written = new Set(toWrite.map((w) => w.path));
  const index = await mapLimit([...wanted.values()], 32, async (w) => {
    const mode = MODE_NUM[w.mode];
    const old = have.get(w.path);
    if (!written.has(w.path) && old) return { ...old, mode, oid: w.oid };
    const st = w.mode === MODE_GITLINK ? null : await fs.lstat(path.join(dir, w.path), { bigint: true });
    return entryFromStat(w.path, mode, w.oid, st);
  });
  return { index, written: [...written], removed: [...removed] };
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
