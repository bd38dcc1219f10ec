import { IntegralGitError } from '../errors';
import type { HealthcheckConfig } from '../config/types';
import type { Logger } from '../log/logger';
import { runScript } from '../script/run-script';
import type { ScriptOutputChunk } from '../script/types';
import { checkHealthcheckUrl } from './check-healthcheck-url';
import { probeUrl } from './probe-url';

export const HEALTHCHECK_DEFAULTS = { timeout: 60, interval: 2, expectStatus: 200 } as const;
/** A hanging app gets this long per attempt (at least one interval), so later attempts still happen. */
const MIN_ATTEMPT_MS = 5000;

export interface HealthcheckOptions {
  healthcheck: HealthcheckConfig;
  healthcheckHosts: readonly string[];
  /** where `command` runs and what a relative `command` is resolved against (location, or the release) */
  cwd: string;
  /** the script's environment (secrets already stripped) */
  env: Record<string, string>;
  /** one line per attempt, e.g. "health check attempt 3: http://127.0.0.1:3000/health answered 500 (want 200)" */
  onStep?: (line: string) => void;
  onOutput?: (chunk: ScriptOutputChunk) => void;
  logger?: Logger;
  signal?: AbortSignal;
  /** masked in the command's output, as for the script */
  secretValues?: Iterable<string>;
  /** where the command's process group is noted for crash recovery, as for the script */
  recordDir?: string;
}

export interface HealthResult {
  passed: boolean;
  attempts: number;
  durationMs: number;
  /** what the last failed attempt saw; undefined when passed */
  lastFailure?: string;
}

/**
 * The health gate (SPEC §10): the url and/or command, retried every `interval` s until one
 * attempt passes both or `timeout` s have passed. The url is checked against loopback and
 * `healthcheckHosts` before anything is requested (throws IG_HEALTHCHECK_FORBIDDEN).
 */
export async function runHealthcheck(opts: HealthcheckOptions): Promise<HealthResult> {
  const hc = opts.healthcheck;
  const url = hc.url !== undefined ? checkHealthcheckUrl(hc.url, opts.healthcheckHosts) : undefined;
  const timeoutMs = (hc.timeout ?? HEALTHCHECK_DEFAULTS.timeout) * 1000;
  const intervalMs = (hc.interval ?? HEALTHCHECK_DEFAULTS.interval) * 1000;
  const expectStatus = hc.expectStatus ?? HEALTHCHECK_DEFAULTS.expectStatus;
  const started = performance.now();
  const remaining = () => timeoutMs - (performance.now() - started);
  let attempts = 0;
  let lastFailure = 'no attempt was made';
  while (!opts.signal?.aborted) {
    attempts += 1;
    const failure = await attempt(url, expectStatus, Math.max(1, Math.min(remaining(), Math.max(intervalMs, MIN_ATTEMPT_MS))), opts);
    const ms = Math.round(performance.now() - started);
    if (failure === undefined) {
      opts.onStep?.(`health check passed on attempt ${attempts} after ${(ms / 1000).toFixed(1)}s`);
      return { passed: true, attempts, durationMs: ms };
    }
    lastFailure = failure;
    opts.onStep?.(`health check attempt ${attempts} failed: ${failure}`);
    if (remaining() <= intervalMs) break;
    await sleep(intervalMs, opts.signal);
  }
  const durationMs = Math.round(performance.now() - started);
  return { passed: false, attempts, durationMs, lastFailure: opts.signal?.aborted ? 'interrupted: the server was shutting down' : lastFailure };
}

/** One attempt: undefined when it passed, else what was wrong. */
async function attempt(url: URL | undefined, expectStatus: number, attemptMs: number, opts: HealthcheckOptions): Promise<string | undefined> {
  if (url) {
    const probe = await probeUrl(url, attemptMs, opts.signal);
    if (probe.status === undefined) return `${url.href}: ${probe.error ?? 'no answer'}`;
    if (probe.status !== expectStatus) return `${url.href} answered ${probe.status} (want ${expectStatus})`;
  }
  const command = opts.healthcheck.command;
  if (command !== undefined) {
    const result = await runScript({
      script: command,
      location: opts.cwd,
      env: opts.env,
      timeoutSeconds: Math.max(1, Math.ceil(attemptMs / 1000)),
      killGraceMs: 1000,
      maxOutputBytes: 64 * 1024,
      logger: opts.logger,
      signal: opts.signal,
      onOutput: opts.onOutput,
      secretValues: opts.secretValues,
      recordDir: opts.recordDir,
    });
    if (result.timedOut) return `${command} ran past ${Math.ceil(attemptMs / 1000)}s and was killed`;
    if (result.exitCode !== 0) return `${command} ${result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`}`;
  }
  return undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The error a failed gate records (SPEC §10: `IG_HEALTH_FAILED`). */
export function healthFailedError(result: HealthResult, hc: HealthcheckConfig): IntegralGitError {
  return new IntegralGitError(
    'IG_HEALTH_FAILED',
    `health check did not pass within ${hc.timeout ?? HEALTHCHECK_DEFAULTS.timeout}s (${result.attempts} attempt${result.attempts === 1 ? '' : 's'}; last: ${result.lastFailure ?? 'unknown'})`,
    { attempts: result.attempts, lastFailure: result.lastFailure },
  );
}
