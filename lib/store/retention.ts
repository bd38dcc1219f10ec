import type { StoreContext } from './context';
import { lazyStatements, type Statements } from './lazy-statements';

export interface RetentionLimits {
  deployments: number;
  deliveries: number;
}

export interface PruneResult {
  deployments: number;
  deliveries: number;
}

/** Rows deleted per transaction: a large backlog is pruned without holding the write lock for long. */
const BATCH = 500;

/**
 * `retention` (SPEC §12): keep the newest N deployments (with their logs) and the newest N
 * deliveries of a repo. Never pruned: a queued or running deployment, and the last
 * succeeded deployment of each host (it says what is deployed there).
 */
export class RetentionPruner {
  private readonly sql: Statements<'oldDeployments' | 'unlinkJobs' | 'deleteDeployment' | 'deliveryCutoff' | 'deleteDeliveries'>;

  constructor(private readonly ctx: StoreContext) {
    this.sql = lazyStatements(ctx.db, 'retention', {
      oldDeployments: (prepare) => prepare(
        `SELECT id FROM (SELECT id, status FROM deployments WHERE repo = ? ORDER BY id DESC LIMIT -1 OFFSET ?)
         WHERE status NOT IN ('queued', 'running')
           AND id NOT IN (SELECT max(id) FROM deployments WHERE repo = ? AND status = 'succeeded' GROUP BY host)
         ORDER BY id LIMIT ?`,
      ).pluck(),
      unlinkJobs: (prepare) => prepare('UPDATE jobs SET deployment_id = NULL WHERE deployment_id = ?'),
      // deployment_log rows go with it (ON DELETE CASCADE)
      deleteDeployment: (prepare) => prepare('DELETE FROM deployments WHERE id = ?'),
      deliveryCutoff: (prepare) => prepare('SELECT id FROM deliveries WHERE repo = ? ORDER BY id DESC LIMIT 1 OFFSET ?').pluck(),
      deleteDeliveries: (prepare) => prepare(`DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries WHERE repo = ? AND id <= ? ORDER BY id LIMIT ${BATCH})`),
    });
  }

  prune(repo: string, limits: RetentionLimits): PruneResult {
    const result: PruneResult = { deployments: 0, deliveries: 0 };
    for (;;) {
      const n = this.ctx.write(() => {
        const ids = this.sql.oldDeployments.all(repo, limits.deployments, repo, BATCH) as number[];
        for (const id of ids) {
          this.sql.unlinkJobs.run(id);
          this.sql.deleteDeployment.run(id);
        }
        return ids.length;
      });
      result.deployments += n;
      if (n < BATCH) break;
    }
    const cutoff = this.sql.deliveryCutoff.get(repo, limits.deliveries) as number | undefined;
    if (cutoff !== undefined) {
      for (;;) {
        const n = this.ctx.write(() => this.sql.deleteDeliveries.run(repo, cutoff).changes);
        result.deliveries += n;
        if (n < BATCH) break;
      }
    }
    return result;
  }
}
