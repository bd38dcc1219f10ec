/**
 * Every error IntegralGit raises on purpose carries a stable code from this table, a
 * message a sysadmin can act on, and the CLI exit code / HTTP status it maps to.
 * docs/reference/errors.md documents each code; tests/unit/errors.test.ts checks that
 * every code here is used somewhere and documented.
 */
export const ERROR_CODES = {
  IG_SETTINGS_INVALID: { exit: 2, status: 500, summary: 'the server settings file is missing, unreadable or invalid' },
  IG_SETTINGS_SECRET: { exit: 2, status: 500, summary: 'a repo secret could not be resolved (empty, missing env var or unreadable file)' },
  IG_USAGE: { exit: 2, status: 400, summary: 'a command was called with wrong arguments' },
  IG_REPO_UNKNOWN: { exit: 2, status: 404, summary: 'the repository is not listed in the server settings' },
  IG_CONFIG_INVALID: { exit: 1, status: 422, summary: 'the repo config on the integralgit branch is invalid' },
  IG_CONFIG_MISSING: { exit: 1, status: 422, summary: 'the integralgit branch or its config file does not exist' },
  IG_CONFIG_NEVER_VALID: { exit: 1, status: 409, summary: 'no valid repo config has ever been seen, so nothing is deployed' },
  IG_FETCH_FAILED: { exit: 1, status: 502, summary: 'fetching from the remote failed' },
  IG_LOCATION_FORBIDDEN: { exit: 1, status: 403, summary: 'the config asks for a location outside every allowed root' },
  IG_WORKCOPY_FOREIGN: { exit: 1, status: 409, summary: 'the location holds something other than a working copy of this repository' },
  IG_WORKCOPY_DIRTY: { exit: 1, status: 409, summary: 'the working copy has local changes that the deployment would destroy' },
  IG_TREE_UNSAFE: { exit: 1, status: 422, summary: 'the commit contains paths that would write outside the location or into .git' },
  IG_SCRIPT_FAILED: { exit: 1, status: 500, summary: 'the deploy script exited non-zero, was killed or could not start' },
  IG_SCRIPT_TIMEOUT: { exit: 1, status: 500, summary: 'the deploy script ran past its timeout and was killed' },
  IG_LOCKED: { exit: 1, status: 409, summary: 'another deployment holds the lock on this working copy' },
  IG_SIGNATURE_MISSING: { exit: 2, status: 401, summary: 'the webhook carries no signature or token' },
  IG_SIGNATURE_MISMATCH: { exit: 2, status: 401, summary: 'the webhook signature does not match the repo secret' },
  IG_PAYLOAD_INVALID: { exit: 2, status: 400, summary: 'the webhook body is not a valid payload' },
  IG_PAYLOAD_TOO_LARGE: { exit: 2, status: 413, summary: 'the webhook body exceeds the size limit' },
  IG_NETWORK_UNTRUSTED: { exit: 2, status: 403, summary: 'the request comes from outside trustedNetworks' },
  IG_NOT_FOUND: { exit: 2, status: 404, summary: 'the requested record does not exist' },
  IG_DATABASE_UNAVAILABLE: { exit: 2, status: 503, summary: 'the SQLite database in dataDir cannot be created, opened or read' },
  IG_DATA_DIR_UNWRITABLE: { exit: 2, status: 500, summary: 'the data dir cannot be created or written by the user running integralgit' },
  IG_DATABASE_CORRUPT: { exit: 2, status: 503, summary: 'the SQLite database in dataDir is damaged (its integrity check failed)' },
  IG_DATABASE_BUSY: { exit: 1, status: 503, summary: 'another process held the database\'s write lock longer than IntegralGit waits for it' },
  IG_DATABASE_NEWER: { exit: 2, status: 500, summary: 'the database was written by a newer IntegralGit (its schema version is ahead of this code)' },
  IG_INTERRUPTED: { exit: 1, status: 500, summary: 'the server stopped while the deployment was running; the job is retried once' },
  IG_PRIVILEGES_MISSING: { exit: 2, status: 500, summary: 'a repo has runAs but the server cannot switch users (needs root or CAP_SETUID and CAP_SETGID)' },
  IG_INTERNAL: { exit: 1, status: 500, summary: 'an unexpected internal failure' },
  IG_AUTH_REQUIRED: { exit: 2, status: 401, summary: 'the page, API route or action needs credentials (readAuth or admin in the server settings)' },
  IG_CSRF_REJECTED: { exit: 2, status: 403, summary: 'an admin form was sent from another site or without a valid CSRF token' },
  IG_OUTCOME_SEND_FAILED: { exit: 1, status: 502, summary: 'a commit status or notification could not be delivered; the outbox retries it with back-off' },
  IG_READ_ONLY: { exit: 2, status: 403, summary: 'UI actions are off because the server settings define no admin credentials' },
  // safe deployments (SPEC §10)
  IG_HEALTH_FAILED: { exit: 1, status: 500, summary: 'the health check did not pass before its timeout after the script succeeded' },
  IG_HEALTHCHECK_FORBIDDEN: { exit: 1, status: 403, summary: 'healthcheck.url points at a host that is neither loopback nor listed in healthcheckHosts' },
  IG_COMMIT_UNTRUSTED: { exit: 1, status: 403, summary: 'a commit to deploy carries no good signature by a key requireSignedCommits allows' },
  IG_REWIND_REFUSED: { exit: 1, status: 409, summary: 'refuseNonFastForward: the new head does not descend from the deployed commit (a force-push)' },
  IG_RELEASE_FAILED: { exit: 1, status: 500, summary: 'a release directory could not be prepared, linked or switched' },
  // fleet (SPEC §11)
  IG_FLEET_UNAVAILABLE: { exit: 1, status: 503, summary: 'the fleet\'s NATS server cannot be reached (or `fleet` is not configured)' },
  IG_ROLLOUT_BLOCKED: { exit: 1, status: 409, summary: 'an earlier rollout wave has not deployed this commit successfully in time' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class IntegralGitError extends Error {
  readonly code: ErrorCode;
  readonly data: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = 'IntegralGitError';
    this.code = code;
    this.data = data;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  toJSON(): { code: ErrorCode; message: string; data: Record<string, unknown> } {
    return { code: this.code, message: this.message, data: this.data };
  }
}

/** A list of problems found at once (settings, repo config): all of them, never the first. */
export interface Problem {
  /** JSON-pointer-like path, e.g. `/repos/myapp/secret` */
  path: string;
  /** what is wrong and what was expected, e.g. "must be a string (got number)" */
  message: string;
}

export function formatProblems(problems: Problem[]): string {
  return problems.map((p) => `  - ${p.path || '/'}: ${p.message}`).join('\n');
}

export function isIntegralGitError(err: unknown): err is IntegralGitError {
  return err instanceof IntegralGitError;
}

/** Turn anything thrown into a message fit for one log line or one CLI line. */
export function describeError(err: unknown): string {
  if (err instanceof IntegralGitError) return `${err.message} [${err.code}]`;
  if (err instanceof Error) return err.message;
  return String(err);
}
