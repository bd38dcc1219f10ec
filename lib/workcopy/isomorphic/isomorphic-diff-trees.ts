import nodeFs from 'node:fs';
import git from 'isomorphic-git';
import { mergeChanges, TreeChange } from '../core/tree-changes';
import { MODE_TREE } from '../core/tree-entry';
import { parseTreeObject } from './isomorphic-read-tree';

const NONE = '000000';

type Record = { path: string; oldMode: string; newMode: string; newOid: string };
type Entry = { mode: string; name: string; oid: string };

/**
 * What `git diff-tree -r -t <from> <to>` reports, from isomorphic-git's object store: tree
 * objects whose ids are equal are skipped whole, so a one-commit update reads only the
 * trees on the paths that changed, not the 20,000-entry trees of both commits. A second
 * entry of one name in the target (a malformed tree) is reported, never dropped, so the
 * safety check still sees and refuses it. Null when `to` is not a commit.
 */
export async function isoDiffTrees(gitdir: string, from: string, to: string, cache: object = {}): Promise<TreeChange[] | null> {
  const read = async (oid: string): Promise<{ type: string; object: Buffer }> => {
    const o = await git.readObject({ fs: nodeFs, gitdir, oid, format: 'content', cache });
    return { type: o.type, object: Buffer.from(o.object as Uint8Array) };
  };
  const treeOf = async (commit: string): Promise<string | null> => {
    const o = await read(commit).catch(() => null);
    if (!o || o.type !== 'commit') return null;
    return /^tree ([0-9a-f]{40})/.exec(o.object.toString('utf8'))?.[1] ?? null;
  };
  const [oldTree, newTree] = await Promise.all([treeOf(from), treeOf(to)]);
  if (!oldTree || !newTree) return null;
  const entries = async (oid: string): Promise<Entry[]> => parseTreeObject((await read(oid)).object);

  const records: Record[] = [];
  // every entry below a tree that appears or disappears whole, like -r -t lists them
  const listWhole = async (oid: string, prefix: string, side: 'old' | 'new'): Promise<void> => {
    for (const e of await entries(oid)) {
      const p = prefix + e.name;
      records.push(side === 'old' ? { path: p, oldMode: e.mode, newMode: NONE, newOid: '' } : { path: p, oldMode: NONE, newMode: e.mode, newOid: e.oid });
      if (e.mode === MODE_TREE) await listWhole(e.oid, `${p}/`, side);
    }
  };
  const walk = async (oldOid: string, newOid: string, prefix: string): Promise<void> => {
    const [olds, news] = await Promise.all([entries(oldOid), entries(newOid)]);
    const oldByName = new Map<string, Entry>();
    for (const e of olds) if (!oldByName.has(e.name)) oldByName.set(e.name, e);
    const seen = new Set<string>();
    const twice = new Set<string>();
    const names = new Set<string>();
    for (const n of news) (names.has(n.name) ? twice : names).add(n.name);
    for (const n of news) {
      const p = prefix + n.name;
      const o = seen.has(n.name) ? undefined : oldByName.get(n.name);
      seen.add(n.name);
      // every entry of a duplicated name is reported, even one equal to HEAD's
      if (o && o.mode === n.mode && o.oid === n.oid && !twice.has(n.name)) continue;
      if (o && o.mode === MODE_TREE && n.mode === MODE_TREE) {
        records.push({ path: p, oldMode: o.mode, newMode: n.mode, newOid: n.oid });
        await walk(o.oid, n.oid, `${p}/`);
        continue;
      }
      if (o && (o.mode === MODE_TREE) === (n.mode === MODE_TREE)) {
        records.push({ path: p, oldMode: o.mode, newMode: n.mode, newOid: n.oid });
        continue;
      }
      // a kind change tree ↔ non-tree is a removal and an addition (merged into one change)
      if (o) {
        records.push({ path: p, oldMode: o.mode, newMode: NONE, newOid: '' });
        if (o.mode === MODE_TREE) await listWhole(o.oid, `${p}/`, 'old');
      }
      records.push({ path: p, oldMode: NONE, newMode: n.mode, newOid: n.oid });
      if (n.mode === MODE_TREE) await listWhole(n.oid, `${p}/`, 'new');
    }
    for (const [name, o] of oldByName) {
      if (seen.has(name)) continue;
      records.push({ path: prefix + name, oldMode: o.mode, newMode: NONE, newOid: '' });
      if (o.mode === MODE_TREE) await listWhole(o.oid, `${prefix + name}/`, 'old');
    }
  };
  if (oldTree !== newTree) await walk(oldTree, newTree, '');
  return mergeChanges(records);
}
