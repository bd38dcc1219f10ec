import { createHmac } from 'node:crypto';
import { tokensEqual } from '../../lib/webhook-primitives/compare-token';
import { assertHmac, computeHmac, hmacProblem } from '../../lib/webhook-primitives/verify-hmac';

const body = Buffer.from('{"ref":"refs/heads/main"}');
const secret = 's3cret';
const hex = createHmac('sha256', secret).update(body).digest('hex');

describe('hmacProblem', () => {
  const check = (presented: string, extra = {}) => hmacProblem({ algorithm: 'sha256', key: secret, signed: body, presented, header: 'X-Sig', prefix: 'sha256=', ...extra });

  it('accepts the right signature, in either hex case', () => {
    expect(check(`sha256=${hex}`)).toBeNull();
    expect(check(`SHA256=${hex.toUpperCase()}`)).toBeNull();
    expect(check(`  sha256=${hex}  `)).toBeNull();
  });

  it.each([
    ['', 'X-Sig does not start with `sha256=`'],
    [hex, 'X-Sig does not start with `sha256=`'],
    ['sha256=', 'X-Sig is not 64 hex digits'],
    [`sha256=${hex.slice(2)}`, 'X-Sig is not 64 hex digits'],
    [`sha256=${hex}00`, 'X-Sig is not 64 hex digits'],
    [`sha256=${'g'.repeat(64)}`, 'X-Sig is not 64 hex digits'],
    [`sha256=${'0'.repeat(64)}`, 'X-Sig does not match the body signed with the repo secret'],
  ])('reports %p as %p', (presented, problem) => {
    expect(check(presented)).toBe(problem);
  });

  it('never includes the expected digest', () => {
    for (const presented of ['sha256=00', `sha256=${'0'.repeat(64)}`, 'nope']) {
      const problem = check(presented) ?? '';
      expect(problem).not.toContain(hex);
      expect(problem).not.toContain(secret);
    }
  });

  it('handles SHA-1 and base64 digests', () => {
    const sha1 = createHmac('sha1', secret).update(body).digest('hex');
    expect(hmacProblem({ algorithm: 'sha1', key: secret, signed: body, presented: `sha1=${sha1}`, header: 'X', prefix: 'sha1=' })).toBeNull();
    expect(hmacProblem({ algorithm: 'sha1', key: secret, signed: body, presented: `sha1=${hex}`, header: 'X', prefix: 'sha1=' })).toBe('X is not 40 hex digits');
    const b64 = computeHmac('sha256', secret, body).toString('base64');
    expect(hmacProblem({ algorithm: 'sha256', key: secret, signed: body, presented: b64, header: 'X', encoding: 'base64' })).toBeNull();
    expect(hmacProblem({ algorithm: 'sha256', key: secret, signed: body, presented: 'a$b', header: 'X', encoding: 'base64' })).toBe('X is not a base64 SHA256 digest');
  });

  it('assertHmac throws IG_SIGNATURE_MISMATCH, never a raw exception', () => {
    expect(() => assertHmac({ algorithm: 'sha256', key: secret, signed: body, presented: 'x', header: 'X' })).toThrow(expect.objectContaining({ code: 'IG_SIGNATURE_MISMATCH' }));
  });
});

describe('tokensEqual', () => {
  it('compares in constant time whatever the lengths', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abd')).toBe(false);
    expect(tokensEqual('abc', 'abcd')).toBe(false);
    expect(tokensEqual('', 'abc')).toBe(false);
    expect(tokensEqual('ünïcode', 'ünïcode')).toBe(true);
  });

  it('never matches an empty expected secret, even with an empty token', () => {
    expect(tokensEqual('', '')).toBe(false);
    expect(tokensEqual('x', '')).toBe(false);
  });
});
