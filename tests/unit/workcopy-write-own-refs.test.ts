import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { writeOwnRefs } from '../../lib/workcopy/native/write-own-refs';
import { parsePlainConfig } from '../../lib/workcopy/native/read-git-files';

/** IntegralGit's refs written as loose files: git must read back exactly what `git update-ref` would have left. */
describe('writeOwnRefs', () => {
  let dir: string;
  let gitDir: string;
  const git = (args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' } }).trim();
  const config = () => parsePlainConfig(fs.readFileSync(path.join(gitDir, 'config'), 'utf8'));
  let a: string;
  let b: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-own-refs-'));
    gitDir = path.join(dir, '.git');
    git(['init', '-q']);
    git(['-c', 'user.name=a', '-c', 'user.email=a@b', 'commit', '-q', '--allow-empty', '-m', 'a']);
    a = git(['rev-parse', 'HEAD']);
    git(['-c', 'user.name=a', '-c', 'user.email=a@b', 'commit', '-q', '--allow-empty', '-m', 'b']);
    b = git(['rev-parse', 'HEAD']);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes new refs, and a loose ref over a packed one, as git reads them; no lock is left', () => {
    git(['update-ref', 'refs/integralgit/deployed', a]);
    git(['pack-refs', '--all']);
    expect(writeOwnRefs(gitDir, config(), [['refs/integralgit/deployed', b], ['refs/integralgit/tree-checked-v9', b]])).toBe(true);
    expect(git(['rev-parse', 'refs/integralgit/deployed', 'refs/integralgit/tree-checked-v9'])).toBe(`${b}\n${b}`);
    expect(git(['for-each-ref', '--format=%(refname)', 'refs/integralgit/'])).toBe('refs/integralgit/deployed\nrefs/integralgit/tree-checked-v9');
    expect(fs.readdirSync(path.join(gitDir, 'refs', 'integralgit')).sort()).toEqual(['deployed', 'tree-checked-v9']);
  });

  it('writes nothing and leaves it to git when a lock is held, changing no ref of the set', () => {
    git(['update-ref', 'refs/integralgit/deployed', a]);
    fs.writeFileSync(path.join(gitDir, 'refs', 'integralgit', 'tree-checked-v9.lock'), '');
    expect(writeOwnRefs(gitDir, config(), [['refs/integralgit/deployed', b], ['refs/integralgit/tree-checked-v9', b]])).toBe(false);
    expect(git(['rev-parse', 'refs/integralgit/deployed'])).toBe(a);
    expect(fs.existsSync(path.join(gitDir, 'refs', 'integralgit', 'deployed.lock'))).toBe(false);
  });

  it('leaves it to git where git would also log the refs or share their permissions, or the config is not plain', () => {
    git(['config', 'core.logAllRefUpdates', 'always']);
    expect(writeOwnRefs(gitDir, config(), [['refs/integralgit/deployed', b]])).toBe(false);
    git(['config', 'core.logAllRefUpdates', 'true']);
    git(['config', 'core.sharedRepository', 'group']);
    expect(writeOwnRefs(gitDir, config(), [['refs/integralgit/deployed', b]])).toBe(false);
    expect(writeOwnRefs(gitDir, undefined, [['refs/integralgit/deployed', b]])).toBe(false);
    expect(fs.existsSync(path.join(gitDir, 'refs', 'integralgit', 'deployed'))).toBe(false);
  });

  it('refuses a ref outside refs/integralgit/ or a value that is not an object id', () => {
    expect(() => writeOwnRefs(gitDir, config(), [['refs/heads/master', b]])).toThrow(/not one of IntegralGit's refs/);
    expect(() => writeOwnRefs(gitDir, config(), [['refs/integralgit/../heads/x', b]])).toThrow(/not one of IntegralGit's refs/);
    expect(() => writeOwnRefs(gitDir, config(), [['refs/integralgit/deployed', 'HEAD']])).toThrow(/not an object id/);
  });
});
