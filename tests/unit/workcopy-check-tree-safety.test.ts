import { assertTreeSafe, findUnsafeEntries, isDotGitName } from '../../lib/workcopy/core/check-tree-safety';
import type { TreeEntry } from '../../lib/workcopy/core/tree-entry';
import { IntegralGitError } from '../../lib/errors';

const file = (path: string): TreeEntry => ({ path, mode: '100644', oid: 'f'.repeat(40) });
const link = (path: string, linkTarget: string): TreeEntry => ({ path, mode: '120000', oid: 'a'.repeat(40), linkTarget });
const paths = (entries: TreeEntry[]): string[] => findUnsafeEntries(entries).map((u) => u.path);

describe('tree safety', () => {
  it('accepts an ordinary tree with inside symlinks', () => {
    expect(paths([file('README.md'), file('src/a.js'), link('latest', 'src/a.js'), link('src/up', '../README.md'), file('.gitignore'), file('.github/x.yml')])).toEqual([]);
  });

  it.each(['..', '.', '.git', '.GIT', '.Git', '.git.', '.git ', '.git. . ', 'git~1', 'GIT~1', '.g\u200cit', '\u200c.git', '.git\ufeff', '.git::$INDEX_ALLOCATION', 'a\\b', ''])(
    'refuses the component %j anywhere in a path',
    (name) => {
      expect(paths([file(`${name}`)])).toEqual([name]);
      expect(paths([file(`dir/${name}/x`)])).toEqual([`dir/${name}/x`]);
    },
  );

  it('accepts names that only look like .git', () => {
    expect(paths([file('.gitx'), file('git'), file('x.git'), file('.github'), file('git~10'), file('.gitkeep')])).toEqual([]);
    expect(isDotGitName('.gitignore')).toBe(false);
  });

  it('reports an offending directory once, not every file below it', () => {
    const entries: TreeEntry[] = [{ path: '.git', mode: '040000', oid: 'b'.repeat(40) }, file('.git/config'), file('.git/hooks/x')];
    expect(paths(entries)).toEqual(['.git']);
  });

  it('refuses a symlinked .gitmodules (and its aliases) but not a file one', () => {
    expect(paths([link('.gitmodules', 'x')])).toEqual(['.gitmodules']);
    expect(paths([link('.GITMODULES ', 'x')])).toEqual(['.GITMODULES ']);
    expect(paths([link('GITMOD~1', 'x')])).toEqual(['GITMOD~1']);
    expect(paths([file('.gitmodules')])).toEqual([]);
  });

  it.each([
    ['/etc/passwd', 'absolute'],
    ['\\\\server\\share', 'absolute'],
    ['C:\\Windows', 'absolute'],
    ['..', 'outside'],
    ['../x', 'outside'],
    ['a/../../x', 'outside'],
    ['.git/config', '.git'],
    ['sub/../.GIT/hooks', '.git'],
  ])('refuses a top-level symlink to %j (%s)', (target, why) => {
    const [u] = findUnsafeEntries([link('l', target)]);
    expect(u.path).toBe('l');
    expect(u.reason).toContain(why);
  });

  it('resolves symlinks through the other symlinks of the tree', () => {
    expect(paths([link('d1/d2/up', '../..'), link('x', 'd1/d2/up/..')])).toEqual(['x']);
    expect(paths([link('d1/d2/up', '../..'), link('x', 'd1/d2/up/README')])).toEqual([]);
    expect(paths([link('a', 'b'), link('b', 'a'), link('c', 'a/x')])).toEqual(['a', 'b', 'c']); // loops
    expect(paths([link('abs', '/tmp'), link('via', 'abs/x')])).toEqual(['abs', 'via']);
  });

  it('throws IG_TREE_UNSAFE naming the commit, the paths and the location', () => {
    const commit = '1234567890abcdef'.repeat(2) + '12345678';
    let err: unknown;
    try {
      assertTreeSafe([file('..'), link('evil', '/etc')], commit, '/srv/www/app');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IntegralGitError);
    const e = err as IntegralGitError;
    expect(e.code).toBe('IG_TREE_UNSAFE');
    expect(e.message).toContain('1234567890ab');
    expect(e.message).toContain('"evil"');
    expect(e.message).toContain('/srv/www/app');
    expect(e.data.paths).toEqual(['..', 'evil']);
  });

  it('caps the list at 20 entries', () => {
    const entries = Array.from({ length: 25 }, (_, i) => link(`l${i}`, '/etc'));
    expect(() => assertTreeSafe(entries, 'a'.repeat(40), '/x')).toThrow(/and 5 more/);
  });
});
