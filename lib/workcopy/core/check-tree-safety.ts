import { IntegralGitError } from '../../errors';
import { isTree, MODE_LINK, TreeEntry } from './tree-entry';

/**
 * Repository content is untrusted (SPEC §4.3). Before anything is checked out, every path of
 * the target commit is checked the way git's verify_path() does with core.protectNTFS and
 * core.protectHFS on, whatever the platform, plus one rule git lacks: a symlink may only
 * point inside the working copy (resolved through the other symlinks of the same tree),
 * and never into `.git`. Writers still refuse to follow a symlink in a leading path; this
 * check makes sure a deployment never even starts on such a tree.
 */
export interface UnsafeEntry {
  path: string;
  reason: string;
}

/**
 * Bump whenever a rule below is added or tightened: a copy whose tree was checked under an
 * older version is then checked whole at its next deployment, not only what changed
 * (CHECKED_REF in git-driver.ts carries the version).
 */
export const TREE_RULES_VERSION = 2;

const HFS_IGNORABLE = /[\u200C-\u200F\u202A-\u202E\u206A-\u206F\uFEFF]/g;
const MAX_LINK_HOPS = 40;

/** The name as NTFS/HFS+ would see it: ignorable code points dropped, ADS suffix cut, case folded, trailing dots/spaces stripped. */
function fold(name: string): string {
  return name.replace(HFS_IGNORABLE, '').split(':')[0].toLowerCase().replace(/[. ]+$/, '');
}

export function isDotGitName(name: string): boolean {
  const f = fold(name);
  return f === '.git' || /^git~[1-9]$/.test(f);
}

function isDotGitmodulesName(name: string): boolean {
  const f = fold(name);
  return f === '.gitmodules' || /^gitmod~[1-9]$/.test(f);
}

function componentProblem(name: string): string | null {
  const hfsClean = name.replace(HFS_IGNORABLE, '');
  if (name === '' || hfsClean === '') return 'empty path component';
  if (hfsClean === '.' || hfsClean === '..') return `a "${name}" component, which names a directory outside the entry`;
  if (name.includes('\\')) return 'a backslash, a directory separator on Windows';
  if (name === '.git') return `a ".git" component (git's own directory)`;
  if (isDotGitName(name)) return `a "${name}" component, an alias of .git on Windows or macOS`;
  return null;
}

export function findUnsafeEntries(entries: TreeEntry[]): UnsafeEntry[] {
  const links = new Map<string, string>();
  for (const e of entries) if (e.mode === MODE_LINK) links.set(e.path, e.linkTarget ?? '');
  const unsafe: UnsafeEntry[] = duplicateEntries(entries);
  const reported = new Set<string>(unsafe.map((u) => u.path));
  for (const e of entries) {
    const parts = e.path.split('/');
    // one line per offending directory, not one per file below it
    if (parts.some((_, i) => reported.has(parts.slice(0, i).join('/')))) continue;
    const bad = parts.map(componentProblem).find((p) => p !== null);
    if (bad) {
      unsafe.push({ path: e.path, reason: bad });
      reported.add(e.path);
      continue;
    }
    if (e.mode !== MODE_LINK) continue;
    if (isDotGitmodulesName(parts[parts.length - 1])) {
      unsafe.push({ path: e.path, reason: '.gitmodules must not be a symlink' });
      continue;
    }
    const why = symlinkProblem(e.path, links);
    if (why) unsafe.push({ path: e.path, reason: why });
  }
  return unsafe;
}

/**
 * Two entries for one path (a symlink `d` beside a directory `d/`, a file `f` with `f/y`
 * below it): git's plumbing builds such trees, no checkout can write them faithfully, and
 * each backend half-applies them differently. A non-directory entry must be the only entry
 * at its path and have nothing below it.
 */
function duplicateEntries(entries: TreeEntry[]): UnsafeEntry[] {
  const seen = new Set<string>();
  const leaves = new Set<string>();
  const out: UnsafeEntry[] = [];
  const dup = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.path)) dup.add(e.path);
    seen.add(e.path);
    if (!isTree(e)) leaves.add(e.path);
  }
  for (const e of entries) {
    const parts = e.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const above = parts.slice(0, i).join('/');
      if (leaves.has(above)) dup.add(above);
    }
  }
  for (const p of dup) out.push({ path: p, reason: 'duplicate entries: the tree holds this path twice (e.g. a file or symlink and a directory of the same name)' });
  return out;
}

/**
 * Resolve a symlink the way the kernel would, using the tree's other symlinks for the
 * components they name, and report where it leaves the working copy or enters `.git`.
 */
function symlinkProblem(linkPath: string, links: Map<string, string>): string | null {
  const target = links.get(linkPath) ?? '';
  if (isAbsoluteTarget(target)) return `symlink to an absolute path (${target})`;
  const stack = linkPath.split('/').slice(0, -1);
  const pending = target.split('/');
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return `symlink pointing outside the working copy (${target})`;
      stack.pop();
      continue;
    }
    if (isDotGitName(part)) return `symlink pointing into .git (${target})`;
    stack.push(part);
    const hop = links.get(stack.join('/'));
    if (hop === undefined) continue;
    if (++hops > MAX_LINK_HOPS) return `symlink loop (${target})`;
    if (isAbsoluteTarget(hop)) return `symlink pointing outside the working copy through ${stack.join('/')} (${target})`;
    stack.pop();
    pending.unshift(...hop.split('/'));
  }
  return null;
}

function isAbsoluteTarget(target: string): boolean {
  return target.startsWith('/') || target.startsWith('\\') || /^[A-Za-z]:/.test(target);
}

/** Throws IG_TREE_UNSAFE listing every unsafe path of `commit` (first 20). */
export function assertTreeSafe(entries: TreeEntry[], commit: string, location: string): void {
  const unsafe = findUnsafeEntries(entries);
  if (unsafe.length === 0) return;
  throw unsafeTreeError(unsafe, commit, location);
}

export function unsafeTreeError(unsafe: UnsafeEntry[], commit: string, location: string): IntegralGitError {
  const shown = unsafe.slice(0, 20).map((u) => `${JSON.stringify(u.path)} (${u.reason})`);
  if (unsafe.length > 20) shown.push(`and ${unsafe.length - 20} more`);
  return new IntegralGitError(
    'IG_TREE_UNSAFE',
    `commit ${commit.slice(0, 12)} is refused: its tree has unsafe entries: ${shown.join(', ')}. ` +
      `Nothing was checked out into ${location}; remove these entries from the branch and push again.`,
    { commit, location, paths: unsafe.map((u) => u.path), entries: unsafe },
  );
}
