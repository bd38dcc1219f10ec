import fs from 'node:fs/promises';
import path from 'node:path';
import { IntegralGitError } from '../../errors';
import { isTree, TreeEntry } from './tree-entry';

/**
 * "Local changes" (SPEC §4.3): edits to tracked files — staged or not, deletions and mode
 * changes included — and untracked files the new commit would overwrite. Everything else
 * that is untracked or ignored (build output, node_modules) stays and is no reason to stop.
 * Ignored files count when the new commit would overwrite them: a server-local config file
 * that someone later commits must not vanish silently.
 */
export interface TrackedState {
  /** tracked paths that differ from HEAD, in the index or on disk */
  changed: string[];
  /** every path in the index (files, symlinks, submodules) */
  tracked: Set<string>;
}

/**
 * What the index holds, as far as the untracked check asks: a path is tracked (a file,
 * symlink or submodule), or a directory holding tracked paths. Built from the whole index
 * (trackedLookup) or, when the index equals HEAD, from the diff HEAD → target
 * (tree-changes.ts), which names every path the check can ask about.
 */
export interface TrackedLookup {
  isTracked(path: string): boolean;
  isTrackedDir(path: string): boolean;
}

export function trackedLookup(tracked: Set<string>): TrackedLookup {
  const dirs = new Set<string>();
  for (const p of tracked) for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) dirs.add(p.slice(0, i));
  return { isTracked: (p) => tracked.has(p), isTrackedDir: (p) => dirs.has(p) };
}

type Kind = 'absent' | 'dir' | 'other';

/** `target`: the target's entries, or at least every one that HEAD lacks. */
export async function findOverwrittenUntracked(location: string, trackedPaths: Set<string> | TrackedLookup, target: TreeEntry[]): Promise<string[]> {
  const tracked = trackedPaths instanceof Set ? trackedLookup(trackedPaths) : trackedPaths;
  const kinds = new Map<string, Kind>();
  const kindOf = async (rel: string): Promise<Kind> => {
    let k = kinds.get(rel);
    if (!k) {
      k = await lstatKind(path.join(location, rel));
      kinds.set(rel, k);
    }
    return k;
  };
  const found = new Set<string>();
  for (const entry of target) {
    if (isTree(entry) || tracked.isTracked(entry.path)) continue;
    const parts = entry.path.split('/');
    let blocked = false;
    for (let i = 1; i < parts.length && !blocked; i++) {
      const dir = parts.slice(0, i).join('/');
      if (tracked.isTrackedDir(dir)) continue;
      if (tracked.isTracked(dir)) {
        blocked = true; // a tracked file becomes a directory: nothing untracked can sit below it
        break;
      }
      const k = await kindOf(dir);
      if (k === 'absent') blocked = true;
      else if (k === 'other') {
        found.add(dir);
        blocked = true;
      }
    }
    if (blocked) continue;
    const k = await kindOf(entry.path);
    if (k === 'other') found.add(entry.path);
    // an empty directory in the way is removed; one holding untracked files is not
    else if (k === 'dir') (await listUntrackedUnder(location, entry.path, tracked)).forEach((u) => found.add(u));
  }
  return [...found].sort();
}

async function lstatKind(abs: string): Promise<Kind> {
  try {
    const st = await fs.lstat(abs);
    return st.isDirectory() ? 'dir' : 'other';
  } catch {
    return 'absent';
  }
}

/** Untracked (and ignored) files below `rel`, capped: the list is for a message, not an inventory. */
async function listUntrackedUnder(location: string, rel: string, tracked: TrackedLookup, cap = 100): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const names = await fs.readdir(path.join(location, dir)).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (out.length >= cap) return;
      const child = `${dir}/${name}`;
      if ((await lstatKind(path.join(location, child))) === 'dir' && !tracked.isTracked(child)) await walk(child);
      else if (!tracked.isTracked(child)) out.push(child);
    }
  };
  await walk(rel);
  return out;
}

/** IG_WORKCOPY_DIRTY: "working copy has local changes: <files>", first 20 then "and N more". */
export function localChangesError(location: string, changes: string[]): IntegralGitError {
  const shown = changes.slice(0, 20);
  const more = changes.length > 20 ? ` and ${changes.length - 20} more` : '';
  return new IntegralGitError(
    'IG_WORKCOPY_DIRTY',
    `working copy has local changes: ${shown.join(', ')}${more}. Nothing was changed in ${location}: ` +
      'commit and push, move away or discard these changes there, then deploy again.',
    { location, files: changes },
  );
}
