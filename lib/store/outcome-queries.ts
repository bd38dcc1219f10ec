import type { StoreContext } from './context';
import { lazyStatements, type Statements } from './lazy-statements';

/**
 * The reads behind deployment outcomes leaving the host (SPEC §9): whether a head was
 * ever announced by a delivery (missed webhooks), how the previous deployment of a repo on
 * a host ended (failure de-duplication, durable across restarts because it is the history
 * itself), and which git host the repo's webhooks come from (the commit-status provider).
 */
export class OutcomeQueries {
  private readonly sql: Statements<'announced' | 'recorded' | 'previous' | 'outboxCounts' | 'provider'>;

  constructor(ctx: StoreContext) {
    this.sql = lazyStatements(ctx.db, 'outcome_queries', {
      announced: (prepare) => prepare('SELECT 1 FROM push_events WHERE repo = ? AND after_sha = ? LIMIT 1').pluck(),
      recorded: (prepare) => prepare("SELECT 1 FROM deliveries WHERE outcome = 'missed' AND repo = ? AND delivery_id = ? LIMIT 1").pluck(),
      previous: (prepare) => prepare("SELECT status FROM deployments WHERE repo = ? AND host = ? AND id < ? AND status IN ('succeeded', 'failed') ORDER BY id DESC LIMIT 1").pluck(),
      outboxCounts: (prepare) => prepare('SELECT kind, target, status, count(*) AS count FROM outbox GROUP BY kind, target, status'),
      provider: (prepare) => prepare("SELECT provider FROM push_events WHERE repo = ? AND provider <> 'generic' ORDER BY id DESC LIMIT 1").pluck(),
    });
  }

  headAnnounced(repo: string, sha: string): boolean {
    return this.sql.announced.get(repo, sha) !== undefined;
  }

  missedRecorded(repo: string, sha: string): boolean {
    return this.sql.recorded.get(repo, sha) !== undefined;
  }

  previousOutcome(repo: string, host: string, beforeDeploymentId: number): 'succeeded' | 'failed' | undefined {
    return this.sql.previous.get(repo, host, beforeDeploymentId) as 'succeeded' | 'failed' | undefined;
  }

  /** Outgoing messages by kind, lane and status, for /metrics. */
  countOutboxByTarget(): { kind: string; target: string; status: string; count: number }[] {
    return this.sql.outboxCounts.all() as { kind: string; target: string; status: string; count: number }[];
  }

  lastWebhookProvider(repo: string): string | undefined {
    return this.sql.provider.get(repo) as string | undefined;
  }
}
