import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOverwrittenUntracked, localChangesError } from '../../lib/workcopy/core/local-changes';
import type { TreeEntry } from '../../lib/workcopy/core/tree-entry';

const f = (p: string, mode = '100644'): TreeEntry => ({ path: p, mode, oid: '0'.repeat(40) });

describe('untracked files the new commit would overwrite', () => {
  let dir: string;
  const write = (rel: string, content = 'x'): void => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-lc-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ignores tracked files and paths where nothing is in the way', async () => {
    write('a.txt');
    expect(await findOverwrittenUntracked(dir, new Set(['a.txt']), [f('a.txt'), f('new/b.txt'), f('c.txt')])).toEqual([]);
  });

  it('reports an untracked file at a path the commit adds', async () => {
    write('config.local');
    expect(await findOverwrittenUntracked(dir, new Set(), [f('config.local')])).toEqual(['config.local']);
  });

  it('reports an untracked file or symlink where the commit needs a directory', async () => {
    write('d');
    fs.symlinkSync('/etc', path.join(dir, 'l'));
    expect(await findOverwrittenUntracked(dir, new Set(), [f('d/x'), f('l/passwd')])).toEqual(['d', 'l']);
  });

  it('reports untracked and ignored files inside a directory the commit turns into a file', async () => {
    write('data/tracked.txt');
    write('data/cache/c.bin');
    expect(await findOverwrittenUntracked(dir, new Set(['data/tracked.txt']), [f('data')])).toEqual(['data/cache/c.bin']);
  });

  it('accepts an empty directory in the way, and untracked files next to new ones', async () => {
    fs.mkdirSync(path.join(dir, 'empty'));
    write('build/out');
    expect(await findOverwrittenUntracked(dir, new Set(), [f('empty'), f('build/README')])).toEqual([]);
  });

  it('accepts a tracked file that becomes a directory', async () => {
    write('todir');
    expect(await findOverwrittenUntracked(dir, new Set(['todir']), [f('todir/in.txt')])).toEqual([]);
  });

  it('formats the message with the first 20 files and a count', () => {
    const files = Array.from({ length: 23 }, (_, i) => `f${i}`);
    const err = localChangesError('/srv/www/app', files);
    expect(err.code).toBe('IG_WORKCOPY_DIRTY');
    expect(err.message).toMatch(/^working copy has local changes: f0, f1, .*f19 and 3 more\. Nothing was changed in \/srv\/www\/app/);
    expect(err.data.files).toEqual(files);
  });
});
