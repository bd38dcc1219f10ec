import nodeFs from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import git from 'isomorphic-git';
import { parseTreeObject } from './isomorphic-read-tree';

/**
 * isomorphic-git never repacks: every fetch adds a pack, and reading objects slows down with
 * each one. Past MAX_PACKS, the objects the copy needs — the commits its refs point to and
 * their full trees — are written into one new pack, those commits become the shallow
 * boundary, and the old packs, loose objects and reflogs go. The copy then holds what a
 * depth-1 clone of each ref would, which is all a deployment needs.
 */
export const MAX_PACKS = 8;

export async function packCount(gitdir: string): Promise<number> {
  const names = await fs.readdir(path.join(gitdir, 'objects', 'pack')).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.pack')).length;
}

export async function compactIfNeeded(dir: string, maxPacks = MAX_PACKS): Promise<boolean> {
  const gitdir = path.join(dir, '.git');
  if ((await packCount(gitdir)) <= maxPacks) return false;
  await compact(dir);
  return true;
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
  for (const name of await fs.readdir(packDir)) {
    const base = name.replace(/\.(pack|idx|keep|rev|bitmap|promisor|mtimes)$/, '');
    if (base !== newPack && oldPacks.includes(base)) await fs.rm(path.join(packDir, name), { force: true });
  }
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
