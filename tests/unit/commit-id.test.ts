import { assertCommitId, isCommitId, isFullCommitId } from '../../lib/commit-id';
import { IntegralGitError } from '../../lib/errors';

const SHA1 = '0123456789abcdef0123456789abcdef01234567';
const SHA256 = `${SHA1}${'89abcdef'.repeat(3)}`;

describe('the commit-id rule', () => {
  it.each([
    // [value, full id as git writes it, given by a person (full or abbreviated)]
    [SHA1, true, true],
    [SHA256, true, true],
    [SHA1.toUpperCase(), false, true],
    ['abcd', false, true], // git's shortest abbreviation
    ['abc123', false, true],
    ['deadbeef', false, true],
    [SHA1.slice(0, 39), false, true],
    ['abc', false, false], // too short to name one commit
    [`${SHA1}8`, false, false], // 41: neither a SHA-1 nor a SHA-256 id
    [SHA256.slice(0, 63), false, false],
    [`${SHA256}0`, false, false],
    ['', false, false],
    ['HEAD~1', false, false],
    ['--upload-pack=x', false, false],
    ['g123456', false, false],
    [` ${SHA1}`, false, false],
    [`${SHA1}\n`, false, false],
  ])('%j: full %s, given %s', (value, full, given) => {
    expect(isFullCommitId(value)).toBe(full);
    expect(isCommitId(value)).toBe(given);
  });

  it('assertCommitId lower-cases what it accepts and refuses the rest with IG_USAGE naming the value and the rule', () => {
    expect(assertCommitId('ABCDEF1')).toBe('abcdef1');
    expect(assertCommitId(SHA256)).toBe(SHA256);
    let caught: unknown;
    try {
      assertCommitId('not-a-sha');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(IntegralGitError);
    expect((caught as IntegralGitError).code).toBe('IG_USAGE');
    expect((caught as Error).message).toMatch(/"not-a-sha" is not a commit id: give a commit sha: 4 to 40 hexadecimal digits, or the full 64/);
  });
});
