import type Database from 'better-sqlite3';
import type { StoreContext } from './context';

/**
 * The questions behind missed-webhook detection (SPEC §9): did any delivery ever announce
 * this head, and has its absence been recorded already (once per head, not per poll).
 */
export class MissedHeadsQueries {
  private readonly announced: Database.Statement;
  private readonly recorded: Database.Statement;

  constructor(ctx: StoreContext) {
    this.announced = ctx.db.prepare('SELECT 1 FROM push_events WHERE repo = ? AND after_sha = ? LIMIT 1').pluck();
    this.recorded = ctx.db.prepare("SELECT 1 FROM deliveries WHERE outcome = 'missed' AND repo = ? AND delivery_id = ? LIMIT 1").pluck();
  }

  headAnnounced(repo: string, sha: string): boolean {
    return this.announced.get(repo, sha) !== undefined;
  }

  missedRecorded(repo: string, sha: string): boolean {
    return this.recorded.get(repo, sha) !== undefined;
  }
}
