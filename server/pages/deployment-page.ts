import type { RequestHandler } from 'express';
import { deploymentDetail } from '../../lib/history/repo-history';
import { explainDeployment } from '../../lib/history/explain-deployment';
import type { PageEnv } from './page-env';
import { renderPage, renderError } from './render-page';
import { idParam, knownRepo } from './known-repo';
import { renderUnknownRepo } from './not-found';

/** `/<repo>/deployments/<id>`: metadata, steps, the log (live while running), what went wrong. */
export function deploymentPage(env: PageEnv): RequestHandler {
  return (req, res) => {
    const { settings, store } = env.ctx;
    const repo = knownRepo(settings, req);
    if (!repo) return renderUnknownRepo(env, req, res);
    const id = idParam(req.params.id);
    const stored = id !== undefined ? store.getDeployment(id) : undefined;
    if (id === undefined || !stored || stored.repo !== repo) {
      return renderError(env, req, res, 404, 'Unknown deployment', `Repository “${repo}” has no deployment “${String(req.params.id).slice(0, 40)}”.`);
    }
    const d = deploymentDetail(settings, store, repo, id);
    const commit = d.commit ? (store.getCommit(repo, d.commit) ?? null) : null;
    const job = stored.jobId !== null ? store.getJob(stored.jobId) : undefined;
    const push = job?.eventId ? (store.getPushEvent(job.eventId) ?? null) : null;
    const lastSeq = d.log.reduce((max, c) => Math.max(max, c.seq), 0);
    const live = d.status === 'queued' || d.status === 'running';
    // the record gets its steps when it ends; until then they are the system lines of the log
    const steps = d.steps.length || !live ? d.steps : d.log.filter((c) => c.stream === 'system').map((c) => c.text.replace(/\n+$/, ''));
    renderPage(
      env,
      req,
      res,
      'deployment',
      {
        repo,
        d,
        commit,
        push,
        targetCommit: job?.targetCommit ?? null,
        pin: store.getPin(repo, settings.hostname) ?? null,
        explanation: explainDeployment(d),
        lastSeq,
        live,
        steps,
      },
      { title: [`Deployment #${id}`, repo], nav: 'repos' },
    );
  };
}
