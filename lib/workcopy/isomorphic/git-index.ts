import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import path from 'node:path';
import { IntegralGitError } from '../../errors';

/**
 * Git's index file (`.git/index`), read (versions 2 and 3) and written (version 2), so that
 * the isomorphic backend leaves a copy native git reads as clean: the stat data recorded
 * here is what `git status` compares before it would rehash a file.
 * Format: Documentation/gitformat-index.txt in git.
 */
export interface IndexEntry {
  path: string;
  /** 0o100644, 0o100755, 0o120000 or 0o160000 */
  mode: number;
  oid: string;
  /** 0 for a normal entry, 1-3 during a merge conflict */
  stage: number;
  ctimeSec: number;
  ctimeNsec: number;
  mtimeSec: number;
  mtimeNsec: number;
  dev: number;
  ino: number;
  uid: number;
  gid: number;
  size: number;
}

const SIGNATURE = 0x44495243; // "DIRC"
const U32 = 0x100000000;

export async function readIndex(gitdir: string): Promise<IndexEntry[] | null> {
  return (await readIndexAndChecksum(gitdir))?.entries ?? null;
}

/** The index and its trailing SHA-1, which names this exact content. */
export async function readIndexAndChecksum(gitdir: string): Promise<{ entries: IndexEntry[]; checksum: string } | null> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(path.join(gitdir, 'index'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return { entries: parseIndex(buf, gitdir), checksum: buf.subarray(buf.length - 20).toString('hex') };
}

export function parseIndex(buf: Buffer, where = 'index'): IndexEntry[] {
  const unsupported = (why: string): never => {
    throw new IntegralGitError('IG_WORKCOPY_FOREIGN', `${where}/index ${why}: the isomorphic backend reads index versions 2 and 3 only. Run \`git update-index --index-version 2 --no-split-index\` in the copy, or use the native backend`, { where });
  };
  if (buf.length < 32 || buf.readUInt32BE(0) !== SIGNATURE) unsupported('is not a git index');
  const version = buf.readUInt32BE(4);
  if (version !== 2 && version !== 3) unsupported(`is version ${version}`);
  const count = buf.readUInt32BE(8);
  const entries: IndexEntry[] = [];
  let pos = 12;
  for (let i = 0; i < count; i++) {
    const start = pos;
    const flags = buf.readUInt16BE(pos + 60);
    let headerLen = 62;
    if (flags & 0x4000) headerLen += 2; // extended flags (version 3)
    const nul = buf.indexOf(0, start + headerLen);
    const entry: IndexEntry = {
      ctimeSec: buf.readUInt32BE(pos),
      ctimeNsec: buf.readUInt32BE(pos + 4),
      mtimeSec: buf.readUInt32BE(pos + 8),
      mtimeNsec: buf.readUInt32BE(pos + 12),
      dev: buf.readUInt32BE(pos + 16),
      ino: buf.readUInt32BE(pos + 20),
      mode: buf.readUInt32BE(pos + 24),
      uid: buf.readUInt32BE(pos + 28),
      gid: buf.readUInt32BE(pos + 32),
      size: buf.readUInt32BE(pos + 36),
      oid: buf.subarray(pos + 40, pos + 60).toString('hex'),
      stage: (flags >> 12) & 3,
      path: buf.subarray(start + headerLen, nul).toString('utf8'),
    };
    entries.push(entry);
    pos = start + ((nul - start + 8) & ~7);
  }
  // extensions: a split or sparse index keeps entries elsewhere, which this reader cannot follow
  while (pos + 8 <= buf.length - 20) {
    const sig = buf.subarray(pos, pos + 4).toString('latin1');
    if (sig === 'link') unsupported('is a split index');
    if (sig === 'sdir') unsupported('is a sparse index');
    pos += 8 + buf.readUInt32BE(pos + 4);
  }
  return entries;
}

export function entryFromStat(p: string, mode: number, oid: string, st: BigIntStats | null): IndexEntry {
  const ns = (t: bigint): [number, number] => [Number((t / 1000000000n) % BigInt(U32)), Number(t % 1000000000n)];
  const [ctimeSec, ctimeNsec] = st ? ns(st.ctimeNs) : [0, 0];
  const [mtimeSec, mtimeNsec] = st ? ns(st.mtimeNs) : [0, 0];
  return {
    path: p,
    mode,
    oid,
    stage: 0,
    ctimeSec,
    ctimeNsec,
    mtimeSec,
    mtimeNsec,
    dev: st ? Number(st.dev % BigInt(U32)) : 0,
    ino: st ? Number(st.ino % BigInt(U32)) : 0,
    uid: st ? Number(st.uid % BigInt(U32)) : 0,
    gid: st ? Number(st.gid % BigInt(U32)) : 0,
    size: st ? Number(st.size % BigInt(U32)) : 0,
  };
}

export function serializeIndex(entries: IndexEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)) || a.stage - b.stage);
  const parts: Buffer[] = [];
  const header = Buffer.alloc(12);
  header.writeUInt32BE(SIGNATURE, 0);
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(sorted.length, 8);
  parts.push(header);
  for (const e of sorted) {
    const name = Buffer.from(e.path, 'utf8');
    const len = (62 + name.length + 8) & ~7;
    const b = Buffer.alloc(len);
    [e.ctimeSec, e.ctimeNsec, e.mtimeSec, e.mtimeNsec, e.dev, e.ino, e.mode, e.uid, e.gid, e.size].forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
    b.write(e.oid, 40, 'hex');
    b.writeUInt16BE(((e.stage & 3) << 12) | Math.min(name.length, 0xfff), 60);
    name.copy(b, 62);
    parts.push(b);
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, crypto.createHash('sha1').update(body).digest()]);
}

/** Written through `index.lock` like git does: a concurrent git command fails instead of interleaving. */
export async function writeIndex(gitdir: string, entries: IndexEntry[]): Promise<void> {
  const lock = path.join(gitdir, 'index.lock');
  let handle;
  try {
    handle = await fs.open(lock, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    throw new IntegralGitError('IG_LOCKED', `${lock} exists: another git process is working in this copy (or one crashed: remove the file once none runs)`, { lock });
  }
  try {
    await handle.writeFile(serializeIndex(entries));
    await handle.close();
    await fs.rename(lock, path.join(gitdir, 'index'));
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.rm(lock, { force: true });
    throw err;
  }
}
