import type { RepoConfig } from '../config/types';
import { IntegralGitError, describeError } from '../errors';
import type { FleetView } from './read-fleet';
import { DEFAULT_ROLLOUT_TIMEOUT_S, rolloutVerdict } from './rollout-waves';

export interface RolloutWait {
  read: () => Promise<FleetView>;
  config: RepoConfig;
  repo: string;
  host: string;
  wave: number;
  commit: string;
  /** a line in the deployment's log each time the reason changes */
  onStep: (text: string) => void;
  signal?: AbortSignal;
  pollMs?: number;
}

/**
 * Hold a later wave's deployment until the earlier waves have deployed `commit`
 * (rolloutVerdict), polling the bucket; IG_ROLLOUT_BLOCKED when one of them failed it or
 * after `rolloutTimeout` seconds. With the bus away the wave waits too: nothing can vouch
 * for the commit, and the timeout still bounds the wait.
 */
export async function waitForRollout(w: RolloutWait): Promise<string> {
  const timeoutS = w.config.rolloutTimeout ?? DEFAULT_ROLLOUT_TIMEOUT_S;
  const deadline = Date.now() + timeoutS * 1000;
  let last = '';
  for (;;) {
    let reason: string;
    try {
      const verdict = rolloutVerdict(await w.read(), w.config, w.repo, w.host, w.wave, w.commit);
      if (verdict.state === 'go') return verdict.reason;
      if (verdict.state === 'blocked') throw new IntegralGitError('IG_ROLLOUT_BLOCKED', verdict.reason, { commit: w.commit, wave: w.wave });
      reason = verdict.reason;
    } catch (err) {
      if (err instanceof IntegralGitError && err.code === 'IG_ROLLOUT_BLOCKED') throw err;
      reason = `the fleet cannot be read (${describeError(err)})`;
    }
    if (reason !== last) w.onStep(`rollout wave ${w.wave + 1} (${w.config.rollout?.[w.wave]}): ${reason}`);
    last = reason;
    if (Date.now() >= deadline) {
      throw new IntegralGitError('IG_ROLLOUT_BLOCKED', `rollout: gave up after rolloutTimeout (${timeoutS} s): ${reason}`, { commit: w.commit, wave: w.wave });
    }
    if (w.signal?.aborted) throw new IntegralGitError('IG_INTERRUPTED', 'the server stopped while the deployment waited for its rollout wave');
    await new Promise((r) => setTimeout(r, w.pollMs ?? 1000));
  }
}
