import nodeFs from 'node:fs';
import git from 'isomorphic-git';
import { MODE_LINK, MODE_TREE, TreeEntry } from '../core/tree-entry';

/**
 * A commit's tree, flattened, read with isomorphic-git's object store but parsed here:
 * isomorphic-git's own tree parser throws at the first unsafe name, and the safety check
 * (check-tree-safety.ts) wants to see and report every entry, the same way for both backends.
 */
export async function isoReadTree(gitdir: string, commit: string, cache: object = {}): Promise<TreeEntry[]> {
  const { object } = await git.readObject({ fs: nodeFs, gitdir, oid: commit, format: 'content', cache });
  const tree = /^tree ([0-9a-f]{40})/.exec(Buffer.from(object as Uint8Array).toString('utf8'))?.[1];
  if (!tree) throw new Error(`${commit} is not a commit`);
  const out: TreeEntry[] = [];
  const walk = async (oid: string, prefix: string): Promise<void> => {
    const { object: raw } = await git.readObject({ fs: nodeFs, gitdir, oid, format: 'content', cache });
    for (const e of parseTreeObject(Buffer.from(raw as Uint8Array))) {
      const entry: TreeEntry = { path: prefix + e.name, mode: e.mode, oid: e.oid };
      out.push(entry);
      if (e.mode === MODE_TREE) await walk(e.oid, `${entry.path}/`);
      else if (e.mode === MODE_LINK) {
        const { object: target } = await git.readObject({ fs: nodeFs, gitdir, oid: e.oid, format: 'content', cache });
        entry.linkTarget = Buffer.from(target as Uint8Array).toString('utf8');
      }
    }
  };
  await walk(tree, '');
  return out;
}

/** Raw tree object → entries (`<mode> <name>\0<20-byte oid>` repeated). */
export function parseTreeObject(buf: Buffer): Array<{ mode: string; name: string; oid: string }> {
  const out: Array<{ mode: string; name: string; oid: string }> = [];
  let pos = 0;
  while (pos < buf.length) {
    const space = buf.indexOf(0x20, pos);
    const nul = buf.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > buf.length) throw new Error('corrupt tree object');
    const mode = buf.subarray(pos, space).toString('latin1');
    out.push({ mode: mode === '40000' ? MODE_TREE : mode, name: buf.subarray(space + 1, nul).toString('utf8'), oid: buf.subarray(nul + 1, nul + 21).toString('hex') });
    pos = nul + 21;
  }
  return out;
}
