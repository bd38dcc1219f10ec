import { Router, type Request } from 'express';
import type { AppContext } from '../app-context';
import { repoSummaries } from '../../lib/history/repo-summaries';
import { withRuns } from '../../lib/history/delivery-runs';
import { searchHistory } from '../../lib/history/search-history';
import { repoHistory, deploymentDetail } from '../../lib/history/repo-history';
import { requireRepo } from '../../lib/settings/require-repo';
import { DEPLOYMENT_STATUSES, DELIVERY_OUTCOMES, type DeploymentStatus, type DeliveryOutcome } from '../../lib/store';
import { IntegralGitError } from '../../lib/errors';
import { configPanel } from '../../lib/history/config-panel';
import { pushTimeline } from '../../lib/history/push-timeline';
import { requireReadAuth } from '../middleware/read-auth';

function stringParam(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function statusParam(req: Request): DeploymentStatus | undefined {
  const s = stringParam(req, 'status');
  if (s === undefined) return undefined;
  if (!(DEPLOYMENT_STATUSES as readonly string[]).includes(s)) {
    throw new IntegralGitError('IG_USAGE', `status must be one of ${DEPLOYMENT_STATUSES.join(', ')}`);
  }
  return s as DeploymentStatus;
}

function outcomeParam(req: Request): DeliveryOutcome | undefined {
  const s = stringParam(req, 'outcome');
  if (s === undefined) return undefined;
  if (!(DELIVERY_OUTCOMES as readonly string[]).includes(s)) {
    throw new IntegralGitError('IG_USAGE', `outcome must be one of ${DELIVERY_OUTCOMES.join(', ')}`);
  }
  return s as DeliveryOutcome;
}

/** JSON API: everything the pages show (SPEC §5). */
export function apiRouter(ctx: AppContext): Router {
  const router = Router();
  // logs and commit messages can tell internal details: `readAuth` covers the API as it does the pages
  router.use('/api', requireReadAuth(ctx.settings));
  router.get('/api/repos', (_req, res) => {
    res.json({ host: ctx.settings.hostname, repos: repoSummaries(ctx.settings, ctx.store) });
  });
  router.get('/api/fleet', async (_req, res) => {
    if (!ctx.fleet) throw new IntegralGitError('IG_FLEET_UNAVAILABLE', 'this server has no `fleet` in its settings, so it knows no other hosts (SPEC §11)');
    res.json(await ctx.fleet.read());
  });
  router.get('/api/repos/:repo', (req, res) => {
    const limit = stringParam(req, 'limit');
    res.json(
      repoHistory(ctx.settings, ctx.store, req.params.repo, {
        limit: limit ? Number.parseInt(limit, 10) || 50 : undefined,
        commitsBefore: stringParam(req, 'commitsBefore'),
        deploymentsBefore: stringParam(req, 'deploymentsBefore'),
        branch: stringParam(req, 'branch'),
        status: statusParam(req),
      }),
    );
  });
  router.get('/api/repos/:repo/deployments/:id', (req, res) => {
    const after = Number.parseInt(stringParam(req, 'afterSeq') ?? '0', 10) || 0;
    res.json(deploymentDetail(ctx.settings, ctx.store, req.params.repo, Number(req.params.id), after));
  });
  router.get('/api/repos/:repo/pushes', (req, res) => {
    const limit = stringParam(req, 'limit');
    res.json(
      pushTimeline(ctx.settings, ctx.store, req.params.repo, {
        limit: limit ? Number.parseInt(limit, 10) || 20 : undefined,
        before: stringParam(req, 'before'),
        branch: stringParam(req, 'branch'),
      }),
    );
  });
  router.get('/api/repos/:repo/search', (req, res) => {
    const limit = stringParam(req, 'limit');
    res.json(
      searchHistory(ctx.settings, ctx.store, req.params.repo, {
        q: stringParam(req, 'q') ?? '',
        commitsBefore: stringParam(req, 'commitsBefore'),
        deploymentsBefore: stringParam(req, 'deploymentsBefore'),
        limit: limit ? Number.parseInt(limit, 10) || undefined : undefined,
      }),
    );
  });
  router.get('/api/repos/:repo/config', (req, res) => {
    res.json(configPanel(ctx.settings, ctx.store, req.params.repo));
  });
  router.get('/api/repos/:repo/deliveries', (req, res) => {
    requireRepo(ctx.settings, req.params.repo);
    const page = ctx.store.listDeliveries({ repo: req.params.repo, outcome: outcomeParam(req), limit: 100, before: stringParam(req, 'before') });
    res.json({ ...page, items: withRuns(ctx.store, page.items) });
  });
  router.get('/api/deliveries', (req, res) => {
    const page = ctx.store.listDeliveries({ repo: stringParam(req, 'repo'), outcome: outcomeParam(req), limit: 100, before: stringParam(req, 'before') });
    res.json({ ...page, items: withRuns(ctx.store, page.items) });
  });
  router.use('/api', (_req, res) => {
    res.status(404).json({ error: 'no such API route', code: 'IG_NOT_FOUND' });
  });
  return router;
}
