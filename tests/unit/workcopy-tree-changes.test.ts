import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOverwrittenUntracked, trackedLookup } from '../../lib/workcopy/core/local-changes';
import { parseConfigZ, parseDiffTreeStdin, parseFetchHead, parseStatusV2 } from '../../lib/workcopy/native/parse-git-output';
import { mergeChanges, targetEntries, touchesSubmodules, touchesSymlinks, trackedBefore, TreeChange } from '../../lib/workcopy/core/tree-changes';
import type { TreeEntry } from '../../lib/workcopy/core/tree-entry';

const Z = '0'.repeat(40);
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const rec = (oldMode: string, newMode: string, status: string, p: string): string => `:${oldMode} ${newMode} ${oldMode === '000000' ? Z : A} ${newMode === '000000' ? Z : B} ${status}\0${p}\0`;

describe('git diff-tree --stdin output', () => {
  it('gives the commit and one change per path, a kind change (file -> directory) merged into one', () => {
    const out =
      `${B}\0` +
      rec('100644', '000000', 'D', 'todir') +
      rec('000000', '040000', 'A', 'todir') +
      rec('000000', '100644', 'A', 'todir/in.txt') +
      rec('040000', '040000', 'M', 'dir') +
      rec('100644', '100755', 'M', 'dir/run sh') +
      rec('120000', '100644', 'T', 'link');
    const parsed = parseDiffTreeStdin(out);
    expect(parsed?.commit).toBe(B);
    expect(parsed?.changes).toEqual([
      { path: 'todir', oldMode: '100644', newMode: '040000', newOid: B },
      { path: 'todir/in.txt', oldMode: null, newMode: '100644', newOid: B },
      { path: 'dir', oldMode: '040000', newMode: '040000', newOid: B },
      { path: 'dir/run sh', oldMode: '100644', newMode: '100755', newOid: B },
      { path: 'link', oldMode: '120000', newMode: '100644', newOid: B },
    ]);
  });

  it('gives no changes for identical trees, and null when git printed no commit (not a commit)', () => {
    expect(parseDiffTreeStdin(`${B}\0`)).toEqual({ commit: B, changes: [] });
    expect(parseDiffTreeStdin('')).toBeNull();
    expect(parseDiffTreeStdin(rec('000000', '100644', 'A', 'x'))).toBeNull();
  });

  it('refuses output with a rename record rather than misreading the records after it', () => {
    expect(parseDiffTreeStdin(`${B}\0:100644 100644 ${A} ${B} R100\0a\0b\0`)).toBeNull();
  });
});

describe('git status --porcelain=v2 -z --branch output', () => {
  it('gives HEAD and every changed path, both paths of a rename, paths with spaces', () => {
    const out = [
      `# branch.oid ${A}`,
      '# branch.head master',
      '1 .M N... 100644 100644 100644 aaa bbb README.md',
      '1 D. N... 100644 000000 000000 aaa 000 gone file.txt',
      `2 R. N... 100644 100644 100644 ${A} ${A} R100 new name.txt`,
      'old name.txt',
      `u UU N... 100644 100644 100644 100644 ${A} ${A} ${A} conflict.txt`,
      '',
    ].join('\0');
    expect(parseStatusV2(out)).toEqual({ head: A, changed: ['README.md', 'gone file.txt', 'new name.txt', 'old name.txt', 'conflict.txt'] });
  });

  it('gives a null HEAD when it is unborn', () => {
    expect(parseStatusV2('# branch.oid (initial)\0# branch.head master\0')).toEqual({ head: null, changed: [] });
  });
});

describe('git config -z and FETCH_HEAD', () => {
  it('reads keys and values, the last value winning, keys without a value skipped', () => {
    const m = parseConfigZ('remote.origin.url\nhttps://a/x.git\0branch.feat.x.merge\nrefs/heads/feat.x\0branch.y.remote\0remote.origin.url\nhttps://b/x.git\0');
    expect(m.get('remote.origin.url')).toBe('https://b/x.git');
    expect(m.get('branch.feat.x.merge')).toBe('refs/heads/feat.x');
    expect(m.has('branch.y.remote')).toBe(false);
  });

  it('takes the fetched id only for the branch and URL asked for, as git writes the URL', () => {
    expect(parseFetchHead(`${A}\t\tbranch 'master' of https://h/x\n`, 'master', 'https://h/x.git')).toBe(A);
    expect(parseFetchHead(`${A}\t\tbranch 'master' of https://h/x\n`, 'master', 'https://deploy@h/x/')).toBe(A);
    expect(parseFetchHead(`${A}\t\tbranch 'master' of ssh://h/x\n`, 'master', 'ssh://git@h/x.git')).toBe(A);
    expect(parseFetchHead(`${A}\t\tbranch 'master' of h:x\n`, 'master', 'git@h:x.git')).toBe(A);
    expect(parseFetchHead(`${A}\t\tbranch 'master' of /srv/git/x\n`, 'master', '/srv/git/x.git')).toBe(A);
    expect(parseFetchHead(`${A}\t\tbranch 'main' of https://h/x\n`, 'master', 'https://h/x')).toBeNull();
    expect(parseFetchHead(`${A}\t\tbranch 'master' of https://other/x\n`, 'master', 'https://h/x')).toBeNull();
    expect(parseFetchHead(`${A}\tnot-for-merge\tbranch 'master' of https://h/x\n`, 'master', 'https://h/x')).toBeNull();
    expect(parseFetchHead('', 'master', 'https://h/x')).toBeNull();
  });
});

describe('checks on a diff', () => {
  const ch = (p: string, oldMode: string | null, newMode: string | null): TreeChange => ({ path: p, oldMode, newMode, newOid: newMode ? B : null });

  it('sees a symlink on either side, and submodules by gitlink or .gitmodules', () => {
    expect(touchesSymlinks([ch('a', '100644', '100755')])).toBe(false);
    expect(touchesSymlinks([ch('a', '120000', null)])).toBe(true);
    expect(touchesSymlinks([ch('a', '040000', '120000')])).toBe(true);
    expect(touchesSubmodules([ch('a', '100644', null)])).toBe(false);
    expect(touchesSubmodules([ch('vendor/x', '160000', null)])).toBe(true);
    expect(touchesSubmodules([ch('.gitmodules', '100644', '100644')])).toBe(true);
  });

  it('keeps only what the target has, for the path checks', () => {
    expect(targetEntries([ch('gone', '100644', null), ch('new', null, '100644')]).map((e) => e.path)).toEqual(['new']);
  });

  it('answers as the whole index would for every path the untracked check asks about', () => {
    const changes = mergeChanges([
      { path: 'todir', oldMode: '100644', newMode: '000000', newOid: Z },
      { path: 'todir', oldMode: '000000', newMode: '040000', newOid: B },
      { path: 'todir/in.txt', oldMode: '000000', newMode: '100644', newOid: B },
      { path: 'tofile', oldMode: '040000', newMode: '000000', newOid: Z },
      { path: 'tofile/x.txt', oldMode: '100644', newMode: '000000', newOid: Z },
      { path: 'tofile', oldMode: '000000', newMode: '100644', newOid: B },
    ]);
    const t = trackedBefore(changes);
    const index = trackedLookup(new Set(['todir', 'tofile/x.txt', 'README.md']));
    for (const p of ['todir', 'todir/in.txt', 'tofile', 'tofile/x.txt', 'tofile/untracked.bin']) {
      expect([p, t.isTracked(p), t.isTrackedDir(p)]).toEqual([p, index.isTracked(p), index.isTrackedDir(p)]);
    }
  });
});

describe('untracked files found from a diff, as from the whole index', () => {
  let dir: string;
  const write = (rel: string): void => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), 'x');
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-tc-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds a file where a new directory goes, untracked files in a directory that becomes a file, and a file at an added path', async () => {
    // HEAD: README.md, data/keep.txt; disk adds untracked newdir (a file), data/cache/c.bin, config.local
    write('README.md');
    write('data/keep.txt');
    write('data/cache/c.bin');
    write('newdir');
    write('config.local');
    const index = new Set(['README.md', 'data/keep.txt']);
    const target: TreeEntry[] = [
      { path: 'README.md', mode: '100644', oid: A },
      { path: 'data', mode: '100644', oid: B },
      { path: 'newdir', mode: '040000', oid: B },
      { path: 'newdir/x', mode: '100644', oid: B },
      { path: 'config.local', mode: '100644', oid: B },
    ];
    const changes = mergeChanges([
      { path: 'config.local', oldMode: '000000', newMode: '100644', newOid: B },
      { path: 'data', oldMode: '040000', newMode: '000000', newOid: Z },
      { path: 'data/keep.txt', oldMode: '100644', newMode: '000000', newOid: Z },
      { path: 'data', oldMode: '000000', newMode: '100644', newOid: B },
      { path: 'newdir', oldMode: '000000', newMode: '040000', newOid: B },
      { path: 'newdir/x', oldMode: '000000', newMode: '100644', newOid: B },
    ]);
    const full = await findOverwrittenUntracked(dir, index, target);
    expect(full).toEqual(['config.local', 'data/cache/c.bin', 'newdir']);
    expect(await findOverwrittenUntracked(dir, trackedBefore(changes), targetEntries(changes))).toEqual(full);
  });
});
