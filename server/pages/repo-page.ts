import type { RequestHandler } from 'express';
import { DEPLOYMENT_STATUSES, type DeploymentStatus } from '../../lib/store';
import { IntegralGitError } from '../../lib/errors';
import { repoSummary } from '../../lib/history/repo-summaries';
import { pushTimeline } from '../../lib/history/push-timeline';
import { configPanel } from '../../lib/history/config-panel';
import { toApiDeployment } from '../../lib/history/repo-history';
import { REPO_CHART_SLOTS, repoOutcomes } from '../../lib/history/repo-outcomes';
import type { PageEnv } from './page-env';
import { renderPage } from './render-page';
import { knownRepo, queryString } from './known-repo';
import { renderUnknownRepo } from './not-found';

export const PUSHES_PAGE_SIZE = 15;
export const DEPLOYMENTS_PAGE_SIZE = 20;

/**
 * `/<repo>`: the header (what is deployed, pin, actions), the push timeline, the
 * deployments, and the effective config. Both lists page by keyset cursors of their own
 * (`pushesBefore`, `deploymentsBefore`), so page 500 costs what page 1 does.
 */
export function repoPage(env: PageEnv): RequestHandler {
  return (req, res) => {
    const { settings, store } = env.ctx;
    const repo = knownRepo(settings, req);
    if (!repo) return renderUnknownRepo(env, req, res);
    const branch = queryString(req, 'branch');
    const status = queryString(req, 'status');
    if (status !== undefined && !(DEPLOYMENT_STATUSES as readonly string[]).includes(status)) {
      throw new IntegralGitError('IG_USAGE', `status must be one of ${DEPLOYMENT_STATUSES.join(', ')}`);
    }
    const pushesBefore = queryString(req, 'pushesBefore');
    const deploymentsBefore = queryString(req, 'deploymentsBefore');
    const summary = repoSummary(settings, store, repo);
    const pushes = pushTimeline(settings, store, repo, { limit: PUSHES_PAGE_SIZE, before: pushesBefore, branch });
    const deployments = store.listDeployments(repo, {
      limit: DEPLOYMENTS_PAGE_SIZE,
      before: deploymentsBefore,
      branch,
      status: status as DeploymentStatus | undefined,
    });
    const config = configPanel(settings, store, repo);
    const configuredBranch = config.inForce?.provenance.find((p) => p.key === 'branch')?.value;
    const branches = new Set<string>();
    if (typeof configuredBranch === 'string') branches.add(configuredBranch);
    for (const p of pushes.items) if (p.branch) branches.add(p.branch);
    renderPage(
      env,
      req,
      res,
      'repo',
      {
        repo,
        summary,
        outcomes: repoOutcomes(store, repo, settings.hostname, REPO_CHART_SLOTS),
        pushes: pushes.items,
        pushesNext: pushes.nextCursor,
        // the deployed commit's page on the host, for the compare link (a primary-key-sized lookup per row)
        deployments: deployments.items.map((d) => ({ ...toApiDeployment(d), commitUrl: d.commit ? (store.getCommit(repo, d.commit)?.url ?? null) : null })),
        deploymentsNext: deployments.nextCursor,
        config,
        filter: { branch, status, pushesBefore, deploymentsBefore },
        statuses: DEPLOYMENT_STATUSES,
        branches: [...branches].sort(),
      },
      { title: [repo], nav: 'repos' },
    );
  };
}
