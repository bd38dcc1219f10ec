import { createHmac, timingSafeEqual } from 'node:crypto';
import { IntegralGitError } from '../errors';

export type HmacAlgorithm = 'sha1' | 'sha256';

const DIGEST_BYTES: Record<HmacAlgorithm, number> = { sha1: 20, sha256: 32 };

export interface HmacCheck {
  algorithm: HmacAlgorithm;
  /** the HMAC key: the repo secret as UTF-8, or raw key bytes */
  key: string | Buffer;
  /** exactly the bytes the host signed */
  signed: Buffer;
  /** the header value as received */
  presented: string;
  /** the header's name, for the message, e.g. `X-Hub-Signature-256` */
  header: string;
  /** required literal prefix such as `sha256=`; omit for bare digests */
  prefix?: string;
  /** how the digest is written; default hex */
  encoding?: 'hex' | 'base64';
}

export function computeHmac(algorithm: HmacAlgorithm, key: string | Buffer, signed: Buffer): Buffer {
  return createHmac(algorithm, key).update(signed).digest();
}

/**
 * Why the presented signature does not hold, or null when it does. The answer names the
 * header and what is wrong with it, and never contains the expected digest (a leak of it
 * would let anyone forge this body: adnanh/webhook #83).
 */
export function hmacProblem(check: HmacCheck): string | null {
  const encoding = check.encoding ?? 'hex';
  let value = check.presented.trim();
  if (check.prefix !== undefined) {
    if (value.slice(0, check.prefix.length).toLowerCase() !== check.prefix.toLowerCase()) {
      return `${check.header} does not start with \`${check.prefix}\``;
    }
    value = value.slice(check.prefix.length);
  }
  const size = DIGEST_BYTES[check.algorithm];
  const presented = decodeDigest(value, encoding, size);
  if (presented === null) {
    const shape = encoding === 'hex' ? `${size * 2} hex digits` : `a base64 ${check.algorithm.toUpperCase()} digest`;
    return `${check.header} is not ${shape}`;
  }
  const expected = computeHmac(check.algorithm, check.key, check.signed);
  if (!timingSafeEqual(presented, expected)) {
    return `${check.header} does not match the body signed with the repo secret`;
  }
  return null;
}

/** Throws IG_SIGNATURE_MISMATCH with the problem found by hmacProblem. */
export function assertHmac(check: HmacCheck): void {
  const problem = hmacProblem(check);
  // a header of the wrong shape says nothing about the secret: the message must not blame it
  if (problem !== null) throw new IntegralGitError('IG_SIGNATURE_MISMATCH', problem, { header: check.header, malformed: !problem.includes('does not match') });
}

function decodeDigest(value: string, encoding: 'hex' | 'base64', size: number): Buffer | null {
  if (encoding === 'hex') {
    if (value.length !== size * 2 || !/^[0-9a-fA-F]+$/.test(value)) return null;
    return Buffer.from(value, 'hex');
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return null;
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === size ? bytes : null;
}
