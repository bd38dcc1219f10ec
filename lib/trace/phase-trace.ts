import fs from 'node:fs';

/**
 * Wall-clock timestamps of a deployment's phases (job claimed, deployment row written,
 * config decided, script spawned, ...), appended as JSON lines to the file named by
 * INTEGRALGIT_PHASE_TRACE. `bench/push-latency.js --trace` sets it and lines the phases up
 * with git's own trace2 and the script's first line (`date +%s%N`), which is why the clock
 * is CLOCK_REALTIME in nanoseconds, not a monotonic one. Unset (always, in production):
 * one comparison per call, nothing written.
 */
const target = process.env.INTEGRALGIT_PHASE_TRACE;
let clock: (() => bigint) | undefined;

export function tracePhase(phase: string, repo: string): void {
  if (!target) return;
  clock ??= realtimeClock();
  const ns = clock();
  // synchronous: a trace line must be on disk before the script it precedes can run
  fs.appendFileSync(target, JSON.stringify({ phase, repo, ns: ns.toString() }) + '\n');
}

/**
 * Wall-clock nanoseconds (what `date +%s%N` prints) with microsecond precision: Date.now()
 * has only milliseconds, so hrtime is anchored to the instant Date.now() ticks over. The
 * benches read their side of a trace with the same clock.
 */
export function realtimeClock(): () => bigint {
  const start = Date.now();
  let now = start;
  let hr = process.hrtime.bigint();
  while (now === start) {
    hr = process.hrtime.bigint();
    now = Date.now();
  }
  const offset = BigInt(now) * 1_000_000n - hr;
  return () => process.hrtime.bigint() + offset;
}
