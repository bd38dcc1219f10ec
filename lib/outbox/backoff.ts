/** When the outbox tries a message again, and when it gives up (SPEC §9: up to 24 h). */
export interface RetryPolicy {
  /** delay after the first failed attempt; doubles after each further one */
  baseDelayMs: number;
  /** no single wait is longer */
  maxDelayMs: number;
  /** counted from the message's creation: after this, a failed attempt marks it `failed` */
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseDelayMs: 5_000, maxDelayMs: 60 * 60_000, giveUpAfterMs: 24 * 60 * 60_000 };

/**
 * The wait before attempt `attempts + 1`: exponential, capped, with jitter in [50 %, 100 %]
 * so many messages failing together (a target down) do not all come back at once.
 * Returns null when the message has had its time: mark it failed.
 */
export function nextAttemptAt(policy: RetryPolicy, attempts: number, createdAtMs: number, nowMs: number, random: () => number = Math.random): number | null {
  const deadline = createdAtMs + policy.giveUpAfterMs;
  if (nowMs >= deadline) return null;
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40));
  const delay = exp * (0.5 + 0.5 * random());
  // one last attempt at the deadline rather than none after a long wait past it
  return Math.min(nowMs + delay, deadline);
}
