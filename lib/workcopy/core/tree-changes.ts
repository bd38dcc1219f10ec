import type { TrackedLookup } from './local-changes';
import { isTree, MODE_GITLINK, MODE_LINK, MODE_TREE, TreeEntry } from './tree-entry';

/**
 * One path that differs between HEAD's tree and the target's (`git diff-tree -r -t`):
 * added (oldMode null), deleted (newMode null), or changed, trees included. A path whose
 * kind changes between a tree and anything else is one change with both modes.
 *
 * The diff is enough for the checks that run on every deploy, so the whole tree need not be
 * listed each time:
 * - untracked files the target would overwrite: the index equals HEAD (local changes were
 *   ruled out), so the target's untracked candidates are the paths it adds, and every
 *   directory above an added path appears in the diff with its HEAD mode;
 * - tree safety, when HEAD's whole tree passed the same rules: paths are checked one by
 *   one, so only added and changed ones need it; symlinks are checked against each other,
 *   so any symlink change (either side) has the whole target tree read and checked.
 */
export interface TreeChange {
  path: string;
  oldMode: string | null;
  newMode: string | null;
  /** the target's object id, when newMode is set */
  newOid: string | null;
  /** a second entry of the target at the same path: the tree is malformed */
  duplicateNew?: { mode: string; oid: string };
}

/** Merge `:old new oldOid newOid X\tpath` records into one change per path. */
export function mergeChanges(records: Array<{ path: string; oldMode: string; newMode: string; newOid: string }>): TreeChange[] {
  const byPath = new Map<string, TreeChange>();
  for (const r of records) {
    const oldMode = normaliseMode(r.oldMode);
    const newMode = normaliseMode(r.newMode);
    const c = byPath.get(r.path) ?? { path: r.path, oldMode: null, newMode: null, newOid: null };
    if (oldMode) c.oldMode = oldMode;
    if (newMode && c.newMode !== null) {
      // a second target entry for one path (a malformed tree): keep both, the safety check refuses it
      c.duplicateNew = { mode: newMode, oid: r.newOid };
    } else if (newMode) {
      c.newMode = newMode;
      c.newOid = r.newOid;
    }
    byPath.set(r.path, c);
  }
  return [...byPath.values()];
}

function normaliseMode(mode: string): string | null {
  if (/^0+$/.test(mode)) return null;
  return mode === '40000' ? MODE_TREE : mode;
}

/** The target's side of the changes: every entry it adds or changes. */
export function targetEntries(changes: TreeChange[]): TreeEntry[] {
  return changes.flatMap((c) => {
    if (c.newMode === null) return [];
    const entry = { path: c.path, mode: c.newMode, oid: c.newOid ?? '' };
    return c.duplicateNew ? [entry, { path: c.path, mode: c.duplicateNew.mode, oid: c.duplicateNew.oid }] : [entry];
  });
}

export function touchesSymlinks(changes: TreeChange[]): boolean {
  return changes.some((c) => c.oldMode === MODE_LINK || c.newMode === MODE_LINK);
}

export function touchesSubmodules(changes: TreeChange[]): boolean {
  return changes.some((c) => c.oldMode === MODE_GITLINK || c.newMode === MODE_GITLINK || c.path === '.gitmodules');
}

/**
 * HEAD's index as the untracked check sees it, from the diff alone. Valid only when the
 * index equals HEAD. A path not in the diff is reported untracked: the check asks only
 * about paths the target adds, the directories above them, and paths below a directory
 * the target replaces — each of which the diff lists with its HEAD mode when HEAD had it.
 */
export function trackedBefore(changes: TreeChange[]): TrackedLookup {
  const old = new Map<string, string>();
  for (const c of changes) if (c.oldMode !== null) old.set(c.path, c.oldMode);
  return {
    isTracked: (p) => {
      const m = old.get(p);
      return m !== undefined && !isTree({ path: p, mode: m, oid: '' });
    },
    isTrackedDir: (p) => {
      const m = old.get(p);
      return m !== undefined && isTree({ path: p, mode: m, oid: '' });
    },
  };
}
