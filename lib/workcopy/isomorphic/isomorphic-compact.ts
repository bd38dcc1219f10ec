import nodeFs from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import git from 'isomorphic-git';
import { parseTreeObject } from './isomorphic-read-tree';

/**
 * isomorphic-git never repacks: every fetch adds a pack, and reading objects slows down with
 * each one. Past MAX_PACKS they are compacted, in one of two ways:
 * - usually incrementally: the packs other than the largest (what the fetches since the
 *   last compaction brought) are merged into one, which costs what those fetches brought
 *   and not the size of the tree, so a deployment never stalls on a 20,000-file repack;
 * - once the merged packs weigh half the largest (geometric, like `git repack --geometric`),
 *   in full: the objects the copy needs — the commits its refs point to and their full
 *   trees — are written into one new pack, those commits become the shallow boundary, and
 *   the old packs, loose objects and reflogs go. The copy then holds what a depth-1 clone of
 *   each ref would, which is all a deployment needs.
 */
export const MAX_PACKS = 8;

export async function packCount(gitdir: string): Promise<number> {
  return (await listPacks(gitdir)).length;
}

async function listPacks(gitdir: string): Promise<Array<{ name: string; size: number }>> {
  const packDir = path.join(gitdir, 'objects', 'pack');
  const names = await fs.readdir(packDir).catch(() => [] as string[]);
  return Promise.all(
    names.filter((n) => n.endsWith('.pack')).map(async (n) => ({ name: n.slice(0, -'.pack'.length), size: (await fs.stat(path.join(packDir, n))).size })),
  );
}

/** What was done: nothing, a merge of the small packs, or a full compaction. */
export async function compactIfNeeded(dir: string, maxPacks = MAX_PACKS): Promise<'none' | 'incremental' | 'full'> {
  const gitdir = path.join(dir, '.git');
  const packs = (await listPacks(gitdir)).sort((a, b) => b.size - a.size);
  if (packs.length <= maxPacks) return 'none';
  const small = packs.slice(1);
  const smallSize = small.reduce((n, p) => n + p.size, 0);
  if (smallSize * 2 < packs[0].size && (await mergePacks(gitdir, small.map((p) => p.name)))) return 'incremental';
  await compact(dir);
  return 'full';
}

/** Every object of the named packs written into one new pack, then those packs removed. False when an index cannot be read (the caller compacts in full). */
async function mergePacks(gitdir: string, names: string[]): Promise<boolean> {
  const packDir = path.join(gitdir, 'objects', 'pack');
  const oids = new Set<string>();
  for (const name of names) {
    const listed = packIndexOids(await fs.readFile(path.join(packDir, `${name}.idx`)));
    if (!listed) return false;
    for (const oid of listed) oids.add(oid);
  }
  const cache = {};
  // objects are written whole (no deltas), so the new pack needs no base in another pack
  const { filename } = await git.packObjects({ fs: nodeFs, gitdir, oids: [...oids], write: true, cache });
  await git.indexPack({ fs: nodeFs, dir: gitdir, gitdir, filepath: path.join('objects', 'pack', filename), cache });
  const newPack = filename.slice(0, -'.pack'.length);
  await removePacks(packDir, names.filter((n) => n !== newPack));
  return true;
}

/** The object ids a version-2 pack index lists (gitformat-pack: magic, version, 256 fan-out counts, then the sorted ids); null for another version. */
export function packIndexOids(idx: Buffer): string[] | null {
  if (idx.length < 8 + 256 * 4 || idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) return null;
  const count = idx.readUInt32BE(8 + 255 * 4);
  const start = 8 + 256 * 4;
  if (idx.length < start + count * 20) return null;
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(idx.subarray(start + i * 20, start + (i + 1) * 20).toString('hex'));
  return out;
}

async function removePacks(packDir: string, names: string[]): Promise<void> {
  for (const name of await fs.readdir(packDir)) {
    const base = name.replace(/\.(pack|idx|keep|rev|bitmap|promisor|mtimes)$/, '');
    if (names.includes(base)) await fs.rm(path.join(packDir, name), { force: true });
  }
}

export async function compact(dir: string): Promise<void> {
  const gitdir = path.join(dir, '.git');
  const cache = {};
  const packDir = path.join(gitdir, 'objects', 'pack');
  const oldPacks = (await fs.readdir(packDir)).filter((n) => n.endsWith('.pack')).map((n) => n.slice(0, -'.pack'.length));

  const tips = new Set<string>();
  const keep = new Set<string>();
  const refs = ['HEAD'];
  for (const prefix of ['refs/heads', 'refs/remotes', 'refs/tags', 'refs/integralgit']) {
    for (const name of await git.listRefs({ fs: nodeFs, gitdir, filepath: prefix }).catch(() => [] as string[])) refs.push(`${prefix}/${name}`);
  }
  for (const ref of refs) {
    let oid = await git.resolveRef({ fs: nodeFs, gitdir, ref }).catch(() => null);
    while (oid && !keep.has(oid)) {
      const { type, object } = await git.readObject({ fs: nodeFs, gitdir, oid, format: 'content', cache });
      keep.add(oid);
      if (type === 'tag') {
        oid = /^object ([0-9a-f]{40})/.exec(Buffer.from(object as Uint8Array).toString('utf8'))?.[1] ?? null;
        continue;
      }
      if (type === 'commit') {
        tips.add(oid);
        const tree = /^tree ([0-9a-f]{40})/.exec(Buffer.from(object as Uint8Array).toString('utf8'))?.[1];
        if (tree) await collectTree(gitdir, tree, keep, cache);
      }
      oid = null;
    }
  }

  const { filename } = await git.packObjects({ fs: nodeFs, gitdir, oids: [...keep], write: true, cache });
  await git.indexPack({ fs: nodeFs, dir: gitdir, gitdir, filepath: path.join('objects', 'pack', filename), cache });
  const newPack = filename.slice(0, -'.pack'.length);
  // the new pack and the shallow boundary are in place before anything is deleted
  await fs.writeFile(path.join(gitdir, 'shallow'), [...tips].sort().join('\n') + '\n');
  await removePacks(packDir, oldPacks.filter((n) => n !== newPack));
  for (const name of await fs.readdir(path.join(gitdir, 'objects'))) {
    if (/^[0-9a-f]{2}$/.test(name)) await fs.rm(path.join(gitdir, 'objects', name), { recursive: true, force: true });
  }
  for (const name of ['logs', 'FETCH_HEAD', 'ORIG_HEAD']) await fs.rm(path.join(gitdir, name), { recursive: true, force: true });
}

async function collectTree(gitdir: string, oid: string, keep: Set<string>, cache: object): Promise<void> {
  if (keep.has(oid)) return;
  keep.add(oid);
  const { object } = await git.readObject({ fs: nodeFs, gitdir, oid, format: 'content', cache });
  for (const e of parseTreeObject(Buffer.from(object as Uint8Array))) {
    if (e.mode === '040000') await collectTree(gitdir, e.oid, keep, cache);
    else if (e.mode !== '160000') keep.add(e.oid);
  }
}
