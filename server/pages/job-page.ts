import type { RequestHandler } from 'express';
import { deploymentOfJob } from '../../lib/history/job-deployment';
import type { PageEnv } from './page-env';
import { renderPage, renderError, urlBuilder } from './render-page';
import { idParam, knownRepo } from './known-repo';
import { renderUnknownRepo } from './not-found';

/**
 * `/<repo>/jobs/<id>`: where an action lands. A queued job has no deployment yet, so this
 * page waits (a meta refresh, no script) and then sends the browser to the live deployment.
 */
export function jobPage(env: PageEnv): RequestHandler {
  return (req, res) => {
    const { settings, store } = env.ctx;
    const repo = knownRepo(settings, req);
    if (!repo) return renderUnknownRepo(env, req, res);
    const id = idParam(req.params.id);
    const job = id !== undefined ? store.getJob(id) : undefined;
    if (!job || job.repo !== repo) {
      return renderError(env, req, res, 404, 'Unknown job', `Repository “${repo}” has no job “${String(req.params.id).slice(0, 40)}”.`);
    }
    const deploymentId = deploymentOfJob(store, job);
    if (deploymentId !== undefined) {
      res.redirect(303, urlBuilder(settings.basePath).u(repo, 'deployments', deploymentId));
      return;
    }
    const ahead = store.listJobs(repo, ['queued', 'running'], 1000).filter((j) => j.id < job.id).length;
    const waiting = job.state === 'queued' || job.state === 'running';
    renderPage(env, req, res, 'job', { repo, job, ahead, waiting }, { title: [`Job #${job.id}`, repo], nav: 'repos', refresh: waiting ? 2 : 0 });
  };
}
