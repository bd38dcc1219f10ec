'use strict';

/**
 * Wall-clock nanoseconds (CLOCK_REALTIME, what `date +%s%N` prints in a deploy script) with
 * microsecond precision: Date.now() only has milliseconds, so the monotonic hrtime is
 * anchored to the instant Date.now() ticks over to its next millisecond.
 */
function realtimeClock() {
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

module.exports = { realtimeClock };
