import { IntegralGitError } from './errors';

/**
 * The one rule for commit ids, wherever one is read: a `rollback` argument, a redeploy
 * button, a search box, a URL from a git host, git's own output.
 *
 * - A full id is 40 hex digits (SHA-1) or 64 (SHA-256), as git prints them.
 * - A person may abbreviate: at least 4 digits (git's shortest abbreviation) and at most
 *   40. An id longer than 40 can only be a SHA-256 one and is given in full; 41 to 63
 *   digits is a copy-paste accident, refused rather than guessed at.
 *
 * Only hex digits pass, so an id is safe as a git argument (never an option, never a
 * revision expression such as `HEAD~1`).
 */

export const MIN_ABBREVIATED_LENGTH = 4;

const FULL = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const GIVEN = /^(?:[0-9a-f]{4,40}|[0-9a-f]{64})$/i;

/** What a person may type to name a commit: a full id, or an abbreviation of one. */
export const COMMIT_ID_RULE = 'a commit sha: 4 to 40 hexadecimal digits, or the full 64 of a SHA-256 repository';

/** A full commit id as git writes it (lower-case; SHA-1 or SHA-256). */
export function isFullCommitId(value: string): boolean {
  return FULL.test(value);
}

/** A full or abbreviated commit id, any case. */
export function isCommitId(value: string): boolean {
  return GIVEN.test(value);
}

/**
 * A commit id given by a person (CLI argument, form field, API body): returned lower-cased
 * for git and the store; anything else is IG_USAGE naming the value and the rule.
 */
export function assertCommitId(value: string): string {
  if (!isCommitId(value)) {
    throw new IntegralGitError('IG_USAGE', `${JSON.stringify(value)} is not a commit id: give ${COMMIT_ID_RULE}`, { commit: value });
  }
  return value.toLowerCase();
}
