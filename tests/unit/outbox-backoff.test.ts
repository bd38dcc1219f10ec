import { DEFAULT_RETRY, nextAttemptAt } from '../../lib/outbox/backoff';

describe('outbox back-off', () => {
  const policy = { baseDelayMs: 1000, maxDelayMs: 60_000, giveUpAfterMs: 24 * 3600_000 };

  it('doubles after each failed attempt, with jitter between half and all of the delay', () => {
    for (const [attempts, full] of [
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [6, 32_000],
    ]) {
      expect(nextAttemptAt(policy, attempts, 0, 10, () => 0)).toBe(10 + full / 2);
      expect(nextAttemptAt(policy, attempts, 0, 10, () => 1)).toBe(10 + full);
    }
  });

  it('never waits longer than maxDelayMs, and makes one last attempt at the deadline', () => {
    expect(nextAttemptAt(policy, 30, 0, 0, () => 1)).toBe(60_000);
    const deadline = policy.giveUpAfterMs;
    expect(nextAttemptAt(policy, 30, 0, deadline - 1000, () => 1)).toBe(deadline);
    expect(nextAttemptAt(policy, 31, 0, deadline, () => 1)).toBeNull();
  });

  it('by default retries for 24 hours', () => {
    expect(DEFAULT_RETRY.giveUpAfterMs).toBe(24 * 60 * 60_000);
  });
});
