import fs from 'node:fs';
import path from 'node:path';
import { git, makeTempDir } from '../helpers/git-fixture';
import { entryFromStat, parseIndex, readIndex, serializeIndex, writeIndex } from '../../lib/workcopy/isomorphic/git-index';

/** The index reader/writer against real git: git's index read back, ours read by git. */
describe('git index file', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir('ig-index-');
    git(dir, ['init', '-q', '-b', 'master']);
    fs.writeFileSync(path.join(dir, 'a.txt'), 'a\n');
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'x.sh'), '#!/bin/sh\n', { mode: 0o755 });
    fs.symlinkSync('a.txt', path.join(dir, 'link'));
    const long = path.join(dir, 'l'.repeat(200), 'o'.repeat(200), `ng-é-${'n'.repeat(200)}.txt`);
    fs.mkdirSync(path.dirname(long), { recursive: true });
    fs.writeFileSync(long, 'long name\n');
    git(dir, ['add', '-A']);
    git(dir, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'init']);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const lsFiles = (): string => git(dir, ['-c', 'core.quotePath=false', 'ls-files', '-s']);

  it('reads the index git writes', async () => {
    const entries = (await readIndex(path.join(dir, '.git'))) ?? [];
    const mine = entries.map((e) => `${e.mode.toString(8)} ${e.oid} ${e.stage}\t${e.path}`).join('\n');
    expect(mine).toBe(lsFiles());
  });

  it('reads a version 3 index (extended flags) as well', async () => {
    fs.writeFileSync(path.join(dir, 'ita.txt'), 'later\n');
    git(dir, ['add', '-N', 'ita.txt']);
    const entries = (await readIndex(path.join(dir, '.git'))) ?? [];
    expect(entries.map((e) => e.path)).toContain('ita.txt');
    expect(entries.map((e) => e.path)).toContain('sub/x.sh');
  });

  it('writes an index git reads as clean, in git order', async () => {
    const gitdir = path.join(dir, '.git');
    const before = lsFiles();
    const entries = ((await readIndex(gitdir)) ?? []).reverse();
    const restat = entries.map((e) => entryFromStat(e.path, e.mode, e.oid, fs.lstatSync(path.join(dir, e.path), { bigint: true })));
    fs.rmSync(path.join(gitdir, 'index'));
    await writeIndex(gitdir, restat);
    expect(lsFiles()).toBe(before);
    expect(git(dir, ['status', '--porcelain'])).toBe('');
    expect(parseIndex(serializeIndex(restat)).map((e) => e.path)).toEqual(before.split('\n').map((l) => l.split('\t')[1]));
  });

  it('refuses to write while another git process holds index.lock', async () => {
    const gitdir = path.join(dir, '.git');
    fs.writeFileSync(path.join(gitdir, 'index.lock'), '');
    await expect(writeIndex(gitdir, [])).rejects.toMatchObject({ code: 'IG_LOCKED' });
  });

  it('refuses an index it cannot read, saying how to fix it', async () => {
    git(dir, ['update-index', '--index-version', '4']);
    await expect(readIndex(path.join(dir, '.git'))).rejects.toThrow(/--index-version 2/);
    expect(await readIndex(path.join(dir, 'nonexistent'))).toBeNull();
  });
});
