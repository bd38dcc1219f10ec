import type { StoreContext } from './context';
import { lazyStatements, type Statements } from './lazy-statements';
import type { ReposTable } from './repos';
import type { BadCommit } from './types';
import { checkName } from './sql-helpers';

/**
 * Commits that failed and were reverted on a host (SPEC §10). Remembered so that neither the
 * poller nor a redelivered webhook deploys them again (the loop Argo CD #11713 describes);
 * a new push or an explicit `trigger` deploys them anyway and forgets them.
 */
export class BadCommitsTable {
  private readonly sql: Statements<'upsert' | 'get' | 'remove'>;

  constructor(
    private readonly ctx: StoreContext,
    private readonly repos: ReposTable,
  ) {
    this.sql = lazyStatements(ctx.db, 'bad_commits', {
      upsert: (prepare) => prepare(
        `INSERT INTO bad_commits (repo, host, commit_sha, deployment_id, reason, remembered_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (repo, host, commit_sha) DO UPDATE SET deployment_id = excluded.deployment_id, reason = excluded.reason, remembered_at = excluded.remembered_at`,
      ),
      get: (prepare) => prepare(
        'SELECT repo, host, commit_sha AS "commit", deployment_id AS "deploymentId", reason, remembered_at AS "rememberedAt" FROM bad_commits WHERE repo = ? AND host = ? AND commit_sha = ?',
      ),
      remove: (prepare) => prepare('DELETE FROM bad_commits WHERE repo = ? AND host = ? AND commit_sha = ?'),
    });
  }

  rememberBadCommit(repo: string, host: string, commit: string, deploymentId: number | null, reason: string | null): void {
    checkName('repo', repo);
    checkName('host', host);
    checkName('commit', commit);
    this.ctx.write(() => {
      this.repos.ensureRepo(repo);
      this.sql.upsert.run(repo, host, commit, deploymentId, reason, this.ctx.now());
    });
  }

  badCommit(repo: string, host: string, commit: string): BadCommit | undefined {
    return this.sql.get.get(repo, host, commit) as BadCommit | undefined;
  }

  /** Returns whether it was remembered. */
  forgetBadCommit(repo: string, host: string, commit: string): boolean {
    return this.ctx.write(() => this.sql.remove.run(repo, host, commit).changes > 0);
  }
}
