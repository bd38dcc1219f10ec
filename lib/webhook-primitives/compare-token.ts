import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality of a presented token and the expected secret. Both sides are
 * hashed first so the comparison always runs on 32 equal-length bytes: neither the
 * content nor the length of the secret leaks through timing. An empty expected value
 * never matches (an empty secret is a settings error, not "no auth").
 */
export function tokensEqual(presented: string, expected: string): boolean {
  if (expected.length === 0) return false;
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
