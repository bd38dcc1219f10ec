import type { Logger } from '../log/logger';
import type { Settings } from '../settings/types';
import type { DeploymentStore, JobQueueStore, OutcomeStore } from '../store';
import type { GitBackend } from '../workcopy/core/git-backend';
import { describeError } from '../errors';
import { resolveHostConfig } from '../config/merge-layers';
import type { RepoConfig } from '../config/types';
import { recordMissedHead, type MissedHead } from '../outcomes/missed-webhook';

/** A webhook usually lands seconds after the push; a poll in between must not cry "missed". */
export const DEFAULT_MISSED_GRACE_MS = 30_000;

export interface PollerDeps {
  settings: Settings;
  /** what was deployed on this host, the queue it adds to, and the deliveries log for missed heads */
  store: Pick<DeploymentStore, 'getPin' | 'lastValidConfig' | 'lastDeployment' | 'deployedCommit' | 'badCommit'> &
    Pick<JobQueueStore, 'enqueueJob' | 'queueDepth'> &
    Pick<OutcomeStore, 'headAnnounced' | 'missedRecorded' | 'recordDelivery'>;
  logger: Logger;
  backend: GitBackend;
  kick: (repo: string) => void;
  /** whether the repo's worker is busy (a running job is not in the queue depth) */
  isRunning?: (repo: string) => boolean;
  /** told of every head that moved with no webhook announcing it (SPEC §9 `missed`) */
  onMissed?: (missed: MissedHead) => void;
  /** how long a new head may wait for its webhook before it counts as missed */
  missedGraceMs?: number;
}

/**
 * Reconcile loop for repos with `pollInterval`: compares the remote branch head with the
 * commit deployed on this host and queues a deployment (trigger `poll`) when they differ,
 * so a lost webhook is caught up. A pinned host (rollback) is left alone.
 */
export class Poller {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly busy = new Set<string>();
  private readonly graceTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: PollerDeps) {}

  start(): void {
    for (const repo of Object.values(this.deps.settings.repos)) {
      if (!repo.pollInterval || repo.pollInterval <= 0) continue;
      const timer = setInterval(() => void this.pollOnce(repo.name), repo.pollInterval * 1000);
      timer.unref();
      this.timers.push(timer);
    }
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    for (const t of this.graceTimers) clearTimeout(t);
    this.graceTimers.clear();
  }

  /** One reconcile of one repo; returns the job id when a deployment was queued. */
  async pollOnce(repo: string): Promise<number | undefined> {
    const { settings, store, logger, backend } = this.deps;
    if (this.busy.has(repo)) return undefined;
    this.busy.add(repo);
    try {
      const host = settings.hostname;
      if (store.getPin(repo, host)) return undefined;
      if (store.queueDepth(repo) > 0 || this.deps.isRunning?.(repo)) return undefined;
      const config = store.lastValidConfig(repo);
      const branch = config?.config ? branchFor(config.config, host) : undefined;
      if (!branch) {
        // never seen a valid config (or no location): a normal deployment run records why
        if (!store.lastDeployment(repo, host)) return this.enqueue(repo, null);
        return undefined;
      }
      const head = await backend.remoteHead(settings.repos[repo], branch);
      const deployed = store.deployedCommit(repo, host)?.commit;
      // a head whose deployment already ran (and failed) waits for a push or a person:
      // re-running a failing script every interval helps nobody
      const lastTried = store.lastDeployment(repo, host)?.commit;
      // a commit that failed and was reverted waits for a push or `trigger` (SPEC §10)
      if (head && store.badCommit(repo, host, head)) return undefined;
      if (head && head !== deployed && head !== lastTried) {
        logger.info(`poll: ${repo} ${branch} is at ${head.slice(0, 12)} on the remote, ${deployed ? deployed.slice(0, 12) : 'nothing'} deployed here: queueing`);
        // "moved" needs a known earlier position: a first deployment is not a missed webhook
        if (deployed) this.watchForMissed(repo, branch, head);
        return this.enqueue(repo, branch);
      }
      return undefined;
    } catch (err) {
      logger.warn(`poll of ${repo} failed: ${describeError(err)}`);
      return undefined;
    } finally {
      this.busy.delete(repo);
    }
  }

  /** After the grace period, a head still unannounced is recorded and reported as missed. */
  private watchForMissed(repo: string, branch: string, head: string): void {
    const { store, logger } = this.deps;
    if (store.headAnnounced(repo, head)) return;
    const timer = setTimeout(() => {
      this.graceTimers.delete(timer);
      try {
        const missed = recordMissedHead(store, repo, branch, head);
        if (!missed) return;
        logger.warn(`${repo}: ${missed.reason}`);
        this.deps.onMissed?.(missed);
      } catch (err) {
        logger.warn(`missed-webhook check of ${repo} failed: ${describeError(err)}`);
      }
    }, this.deps.missedGraceMs ?? DEFAULT_MISSED_GRACE_MS);
    timer.unref();
    this.graceTimers.add(timer);
  }

  private enqueue(repo: string, branch: string | null): number {
    const id = this.deps.store.enqueueJob({ repo, branch, trigger: 'poll' });
    this.deps.kick(repo);
    return id;
  }
}

function branchFor(config: RepoConfig, host: string): string | undefined {
  const eff = resolveHostConfig(config, host);
  return eff.config.location ? eff.config.branch : undefined;
}
