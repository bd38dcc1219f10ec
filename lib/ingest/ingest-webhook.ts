import type { Logger } from '../log/logger';
import type { Settings } from '../settings/types';
import type { IngestStore, PushEventInput, DeliveryOutcome } from '../store';
import type { IncomingRequest } from '../webhook-primitives/incoming-request';
import type { NormalizedPush } from '../webhook-primitives/normalized-push';
import { receiveWebhook } from '../webhooks/receive-webhook';
import type { Metrics } from '../metrics/metrics';
import { CONFIG_BRANCH } from '../config/fetch-config-branch';
import type { GroupCommitter } from './group-commit';
import { retryWhileBusy, WEBHOOK_BUSY_WAIT_MS } from '../store/busy-retry';
import { reportDelivery } from './report-delivery';

export interface IngestDeps {
  settings: Settings;
  store: IngestStore;
  /** commits accepted deliveries in groups (one fsync per event-loop turn) */
  committer: GroupCommitter;
  logger: Logger;
  metrics?: Metrics;
  /** wakes the repo's worker once the jobs are on disk */
  kick: (repo: string) => void;
  /**
   * Set for deliveries that came over the fleet's bus: the host that accepted it first.
   * Their log entries say `via fleet from <host>`, and one for a repository this host does
   * not have is none of its business (not logged).
   */
  viaFleetFrom?: string;
  /**
   * Runs inside the transaction that stores a new accepted delivery, so what it writes
   * (the fleet's outbox row) is on disk with it before the 202; store writes only.
   */
  recordAccepted?: (repo: string, req: IncomingRequest, deliveryId: string | undefined) => void;
}

export interface IngestAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * One request to `POST /update`, from raw bytes to an answer: decide (provider, repo,
 * signature), store the event, its commits and its jobs durably, and only then answer 202.
 * Every request, whatever its outcome, lands in the deliveries log with its reason.
 */
export async function ingestWebhook(deps: IngestDeps, req: IncomingRequest): Promise<IngestAnswer> {
  const { store } = deps;
  const decision = receiveWebhook(req, deps.settings);
  const via = deps.viaFleetFrom !== undefined ? `via fleet from ${deps.viaFleetFrom}: ` : '';
  if (via && decision.outcome === 'rejected' && decision.errorCode === 'IG_REPO_UNKNOWN') {
    return { status: decision.status, body: { error: decision.reason, code: decision.errorCode } };
  }
  const base = {
    remoteAddr: req.remoteAddress,
    provider: decision.provider ?? null,
    event: decision.eventType ?? null,
    deliveryId: decision.deliveryId ?? null,
    repo: decision.repo ?? null,
  };
  const deliveryRow = (outcome: DeliveryOutcome, status: number, reason: string, jobIds: number[] = []) => ({
    ...base,
    outcome,
    statusCode: status,
    reason: via + reason,
    jobIds,
    body: outcome === 'accepted' ? req.rawBody : null,
  });
  const facts = { remoteAddr: req.remoteAddress, provider: decision.provider, deliveryId: decision.deliveryId, repo: decision.repo, via };
  const report = (outcome: DeliveryOutcome, status: number, reason: string): void => reportDelivery(deps, facts, outcome, status, reason);

  if (decision.outcome !== 'accepted') {
    // not a promise to deploy anything: no fsync needed for these
    const row = deliveryRow(decision.outcome, decision.status, decision.reason);
    await retryWhileBusy(() => store.recordDelivery(row), { maxWaitMs: WEBHOOK_BUSY_WAIT_MS, what: 'logging a webhook delivery' });
    report(decision.outcome, decision.status, decision.reason);
    const body: Record<string, unknown> =
      decision.outcome === 'rejected'
        ? { error: decision.reason, code: decision.errorCode }
        : decision.outcome === 'ignored'
          ? { ignored: decision.reason }
          : { ok: true, message: decision.reason };
    return { status: decision.status, body };
  }

  const repo = decision.repo as string;
  const plans = decision.pushes.map((push) => planPush(push));
  const inputs: PushEventInput[] = decision.pushes.map((push, i) => ({
    repo,
    provider: decision.provider as string,
    // one delivery naming several refs stores one event per ref; each keeps a distinct id
    deliveryId: decision.deliveryId ? (decision.pushes.length > 1 ? `${decision.deliveryId}#${push.ref}` : decision.deliveryId) : null,
    eventType: decision.eventType ?? 'push',
    ref: push.ref,
    branch: push.branch,
    tag: push.tag,
    before: push.before,
    after: push.after,
    created: push.created,
    deleted: push.deleted,
    forced: push.forced,
    pusher: push.pusher ?? null,
    commitsTruncated: push.commitsTruncated && push.after !== null && !push.deleted,
    commits: push.commits.map((c) => ({
      id: c.id,
      message: c.message,
      authorName: c.authorName,
      authorEmail: c.authorEmail ?? null,
      timestamp: c.timestamp,
      url: c.url ?? null,
    })),
    jobs: plans[i].job ? [plans[i].job] : [],
  }));
  // the event, its commits, its jobs and its delivery row: one durable group commit
  const outcome = await deps.committer.submit(() => {
    const results = store.recordPushEvents(inputs);
    const duplicate = results.length > 0 && results.every((r) => r.duplicate);
    const jobIds = results.filter((r) => !r.duplicate).flatMap((r) => r.jobIds);
    const refs = decision.pushes.map((p, i) => ({ ref: p.ref, action: results[i].duplicate ? 'duplicate' : plans[i].action, reason: plans[i].reason }));
    const reason = duplicate
      ? `duplicate delivery ${decision.deliveryId}: already received, no new job`
      : refs.map((r) => `${r.ref}: ${r.reason}`).join('; ') || 'push with no refs';
    store.recordDelivery(deliveryRow(duplicate ? 'duplicate' : 'accepted', duplicate ? 200 : 202, reason, duplicate ? results.flatMap((r) => r.jobIds) : jobIds));
    if (!duplicate) deps.recordAccepted?.(repo, req, decision.deliveryId);
    return { duplicate, jobIds, refs, reason, allJobIds: results.flatMap((r) => r.jobIds) };
  });
  if (outcome.duplicate) {
    report('duplicate', 200, outcome.reason);
    return { status: 200, body: { duplicate: true, message: outcome.reason, jobs: outcome.allJobIds } };
  }
  report('accepted', 202, outcome.reason);
  if (outcome.jobIds.length > 0) deps.kick(repo);
  return { status: 202, body: { accepted: true, repo, jobs: outcome.jobIds, refs: outcome.refs } };
}

interface PushPlan {
  action: 'queued' | 'recorded';
  reason: string;
  job?: { branch: string; trigger: 'webhook' | 'config' };
}

/** Tags and deletions are history, not deployments; a push to the config branch reloads the config. */
function planPush(push: NormalizedPush): PushPlan {
  if (push.tag !== null) return { action: 'recorded', reason: `tag ${push.tag} recorded, not deployed` };
  if (push.deleted || push.branch === null) return { action: 'recorded', reason: `branch deletion recorded, not deployed` };
  if (push.branch === CONFIG_BRANCH) {
    return { action: 'queued', reason: 'config branch updated: the config is reloaded', job: { branch: CONFIG_BRANCH, trigger: 'config' } };
  }
  return { action: 'queued', reason: `deployment queued for branch ${push.branch}`, job: { branch: push.branch, trigger: 'webhook' } };
}
