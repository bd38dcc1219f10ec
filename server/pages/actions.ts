import type { Request, Response, RequestHandler } from 'express';
import { requestDeployment } from '../../lib/queue/request-deployment';
import { IntegralGitError } from '../../lib/errors';
import { retryWhileBusy, UI_BUSY_WAIT_MS } from '../../lib/store/busy-retry';
import { checkAdmin } from '../middleware/credentials';
import type { PageEnv } from './page-env';
import { knownRepo } from './known-repo';
import { renderUnknownRepo } from './not-found';
import { renderError, urlBuilder } from './render-page';

export const ADMIN_REALM = 'IntegralGit admin';

function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}

function deny(env: PageEnv, req: Request, res: Response, status: number, code: string, heading: string, message: string): void {
  if (wantsJson(req)) {
    res.status(status).json({ error: message, code });
    return;
  }
  renderError(env, req, res, status, heading, message);
}

/**
 * POST `/<repo>/actions/deploy` (the branch head now), `/redeploy` (field `commit`: deploy
 * that commit and pin this host to it, a rollback) and `/unpin`. Only when the settings
 * define `admin`; checked in this order: the repo exists, bearer token (no CSRF check: a
 * browser never sends one by itself) or else the CSRF guard then basic auth. Browsers
 * are sent on to the job page (303); clients asking for JSON get 202 and the job id.
 */
export function action(env: PageEnv): RequestHandler {
  return async (req: Request, res: Response) => {
    const { settings, store, queue, logger } = env.ctx;
    const repo = knownRepo(settings, req);
    if (!repo) {
      if (wantsJson(req)) return void res.status(404).json({ error: `no repository named \`${String(req.params.repo).slice(0, 100)}\` in the settings`, code: 'IG_REPO_UNKNOWN' });
      return renderUnknownRepo(env, req, res);
    }
    const kind = req.params.action;
    if (kind !== 'deploy' && kind !== 'redeploy' && kind !== 'unpin') {
      return deny(env, req, res, 404, 'IG_NOT_FOUND', 'Unknown action', `There is no action “${String(kind).slice(0, 40)}”: use deploy, redeploy or unpin.`);
    }
    if (!settings.admin) {
      return deny(env, req, res, 403, 'IG_READ_ONLY', 'Read-only', 'This server’s pages are read-only: the server settings define no `admin` credentials.');
    }
    const auth = checkAdmin(settings, req);
    if (!(auth.ok && auth.via === 'bearer')) {
      const problem = env.csrf.problem(req);
      if (problem) return deny(env, req, res, 403, 'IG_CSRF_REJECTED', 'Form rejected', problem);
    }
    if (!auth.ok) {
      res.set('WWW-Authenticate', `Basic realm="${ADMIN_REALM}", charset="UTF-8"`);
      return deny(env, req, res, 401, 'IG_AUTH_REQUIRED', 'Admin login required', 'Deploying from the pages needs the admin credentials of the server settings (`admin`).');
    }
    const links = urlBuilder(settings.basePath);
    const host = settings.hostname;
    if (kind === 'unpin') {
      const released = await retryWhileBusy(() => store.clearPin(repo, host), { maxWaitMs: UI_BUSY_WAIT_MS, what: `releasing the pin of ${repo}` });
      logger.info(`UI: ${auth.user} released the pin of ${repo} on ${host}${released ? '' : ' (there was none)'}`);
      if (wantsJson(req)) return void res.json({ repo, host, released });
      return res.redirect(303, links.u(repo));
    }
    let targetCommit: string | undefined;
    if (kind === 'redeploy') {
      const commit = (req.body as Record<string, unknown> | undefined)?.commit;
      if (typeof commit !== 'string' || commit === '') throw new IntegralGitError('IG_USAGE', 'redeploy needs the field `commit` (the commit id to deploy)');
      targetCommit = commit;
    }
    // a foreign write lock is waited out on timers, bounded: then 503 IG_DATABASE_BUSY with Retry-After (page-errors.ts)
    const jobId = await retryWhileBusy(() => requestDeployment(settings, store, { repo, trigger: 'ui', targetCommit }), { maxWaitMs: UI_BUSY_WAIT_MS, what: `queueing a ${kind} of ${repo}` });
    queue.kick(repo);
    logger.info(`UI: ${auth.user} queued job ${jobId}: ${targetCommit ? `redeploy of ${targetCommit} on ${repo} (pins ${host})` : `deploy of ${repo} now`}`);
    if (wantsJson(req)) return void res.status(202).json({ repo, job: jobId, targetCommit: targetCommit ?? null, url: links.u(repo, 'jobs', jobId) });
    res.redirect(303, links.u(repo, 'jobs', jobId));
  };
}
