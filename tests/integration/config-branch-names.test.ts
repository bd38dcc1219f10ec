import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { branchNameProblem } from '../../lib/config/check-branch-name';
import { makeTempDir } from '../helpers/git-fixture';

/** Real git's verdict: `git check-ref-format --branch <name>`. */
function gitAccepts(name: string, cwd: string): boolean {
  return spawnSync('git', ['check-ref-format', '--branch', name], { cwd, stdio: 'ignore' }).status === 0;
}

describe('branchNameProblem against real git', () => {
  const cwd = makeTempDir('ig-refs-');
  afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

  it('never accepts a branch name git refuses', () => {
    const alphabet = fc.constantFrom('a', 'b', '1', '/', '.', '-', '_', '@', '{', '}', '~', '^', ':', '?', '*', '[', '\\', ' ', 'k', 'l', 'o', 'c', '\u00e9', '\t');
    fc.assert(
      fc.property(fc.string({ unit: alphabet, minLength: 1, maxLength: 12 }), (name) => {
        if (branchNameProblem(name) === undefined) expect(gitAccepts(name, cwd)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it.each(['master', 'release/2024.1', "you'd-want-this", 'a.lock/b', 'a..b', '-x', 'x/'])('agrees with git on %j', (name) => {
    expect(branchNameProblem(name) === undefined).toBe(gitAccepts(name, cwd));
  });
});
