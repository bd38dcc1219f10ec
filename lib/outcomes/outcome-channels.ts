import type { DeploymentEvent } from '../deploy/events';
import { IntegralGitError } from '../errors';
import type { Settings } from '../settings/types';
import type { OutcomeStore } from '../store';
import { sendCommitStatus } from './commit-status/send-commit-status';
import type { MissedHead } from './missed-webhook';
import { sendNotification } from './notify/send-notification';
import { outcomeFacts } from './outcome-facts';
import { planNotifications } from './plan-messages';
import type { OutcomeFacts } from './types';
import { findRepo } from '../settings/require-repo';

/** Outbox kinds of SPEC §9. */
export const COMMIT_STATUS_KIND = 'commit-status';
export const NOTIFY_KIND = 'notify';

/** One attempt's own bound, below the outbox's attempt timeout so the error says which. */
export const SEND_TIMEOUT_MS = 10_000;

/** An outbox row as these channels write it (lib/outbox's OutboxMessageInput). */
export interface OutcomeRow {
  kind: string;
  /** the lane: `commit-status:<repo>` (a success never overtakes its pending), or the notify target's name */
  target: string;
  event: string;
  payload: { facts: OutcomeFacts };
  deploymentId: number | null;
  repo: string;
}

/** The part of an outbox row a sender reads (lib/outbox's OutboxMessage has it). */
export interface OutcomeMessage {
  id: number;
  target: string;
  payload: unknown;
  repo: string | null;
}

export interface OutcomeChannel {
  kind: string;
  toMessages(event: DeploymentEvent): OutcomeRow[] | undefined;
  send(message: OutcomeMessage, signal: AbortSignal): Promise<void>;
}

export function commitStatusLane(repo: string): string {
  return `${COMMIT_STATUS_KIND}:${repo}`;
}

/**
 * The channels the settings ask for: commit statuses when a repo has `commitStatus`,
 * notifications when `notify` lists targets. Rows carry the facts (no secrets: tokens and
 * URLs are read from the settings when sending, so a row written before a token was
 * fixed is sent with the fixed one).
 */
export function outcomeChannels(settings: Settings, store: OutcomeStore): OutcomeChannel[] {
  const channels: OutcomeChannel[] = [];
  if (Object.values(settings.repos).some((r) => r.commitStatus)) channels.push(commitStatusChannel(settings, store));
  if ((settings.notify ?? []).length > 0) channels.push(notifyChannel(settings, store));
  return channels;
}

function commitStatusChannel(settings: Settings, store: OutcomeStore): OutcomeChannel {
  return {
    kind: COMMIT_STATUS_KIND,
    toMessages(e) {
      if (!findRepo(settings, e.repo)?.commitStatus) return undefined;
      // pending once the commit is known; the end on the commit deployed (or asked for)
      if (e.type !== 'synced' && !(e.type === 'finished' && e.commit && e.status !== 'skipped')) return undefined;
      const d = store.getDeployment(e.deploymentId);
      if (!d) return undefined;
      const event = e.type === 'synced' ? 'started' : e.status === 'failed' ? 'failed' : 'succeeded';
      const facts = outcomeFacts(store, settings, d, event);
      if (e.type === 'synced') Object.assign(facts, { commit: e.commit, previousCommit: e.previousCommit });
      return [{ kind: COMMIT_STATUS_KIND, target: commitStatusLane(e.repo), event, payload: { facts }, deploymentId: e.deploymentId, repo: e.repo }];
    },
    async send(m, signal) {
      const facts = factsOf(m);
      const repo = findRepo(settings, facts.repo);
      if (!repo?.commitStatus) throw gone(`repos.${facts.repo}.commitStatus is no longer in the settings`);
      const webhookProvider = store.lastWebhookProvider(facts.repo);
      await sendCommitStatus(repo, facts, { timeoutMs: SEND_TIMEOUT_MS, signal, ...(webhookProvider ? { webhookProvider } : {}) });
    },
  };
}

function notifyChannel(settings: Settings, store: OutcomeStore): OutcomeChannel {
  return {
    kind: NOTIFY_KIND,
    toMessages(e) {
      if (e.type !== 'started' && e.type !== 'finished') return undefined;
      const plan = planNotifications(
        settings,
        e.repo,
        e.type === 'started' ? { phase: 'started' } : { phase: 'finished', status: e.status, previous: store.previousOutcome(e.repo, e.host, e.deploymentId) },
      );
      if (plan.length === 0) return undefined;
      const d = store.getDeployment(e.deploymentId);
      if (!d) return undefined;
      return plan.map(({ target, event }) => ({
        kind: NOTIFY_KIND,
        target: target.name,
        event,
        payload: { facts: outcomeFacts(store, settings, d, event) },
        deploymentId: e.deploymentId,
        repo: e.repo,
      }));
    },
    async send(m, signal) {
      const target = (settings.notify ?? []).find((t) => t.name === m.target);
      if (!target) throw gone(`notify target "${m.target}" is no longer in the settings`);
      await sendNotification(target, factsOf(m), { timeoutMs: SEND_TIMEOUT_MS, signal, deliveryId: String(m.id) });
    },
  };
}

/** The notification rows of a head that moved with no webhook (no deployment, no commit status). */
export function missedRows(settings: Settings, missed: MissedHead): OutcomeRow[] {
  const url = settings.publicUrl ? `${settings.publicUrl}/deliveries?repo=${encodeURIComponent(missed.repo)}&outcome=missed` : null;
  const facts: OutcomeFacts = {
    event: 'missed',
    repo: missed.repo,
    host: settings.hostname,
    branch: missed.branch,
    commit: missed.head,
    previousCommit: null,
    status: 'missed',
    health: null,
    errorCode: null,
    durationMs: null,
    message: missed.reason,
    deploymentId: null,
    url,
    commits: [],
  };
  return planNotifications(settings, missed.repo, { phase: 'missed' }).map(({ target }) => ({
    kind: NOTIFY_KIND,
    target: target.name,
    event: 'missed',
    payload: { facts },
    deploymentId: null,
    repo: missed.repo,
  }));
}

/** Whether retrying cannot help (the outbox then marks the row failed at once). */
export function isPermanentFailure(err: unknown): boolean {
  return err instanceof IntegralGitError && err.data.permanent === true;
}

function factsOf(m: OutcomeMessage): OutcomeFacts {
  return (m.payload as { facts: OutcomeFacts }).facts;
}

function gone(why: string): IntegralGitError {
  return new IntegralGitError('IG_OUTCOME_SEND_FAILED', `${why}: the message is dropped`, { permanent: true });
}
