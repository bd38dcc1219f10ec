import type { RequestHandler } from 'express';
import { badgeSvg, deploymentBadge, BADGE_COLORS } from '../../lib/history/badge-svg';
import type { PageEnv } from './page-env';
import { knownRepo } from './known-repo';

/**
 * `/<repo>/badge.svg`: the last deployment's status on this host, for READMEs. It is not
 * behind `readAuth` (a README image cannot log in); it tells only the status word.
 */
export function badge(env: PageEnv): RequestHandler {
  return (req, res) => {
    const { settings, store } = env.ctx;
    const repo = knownRepo(settings, req);
    res.set('Cache-Control', 'no-cache');
    res.type('image/svg+xml');
    if (!repo) {
      res.status(404).send(badgeSvg({ label: 'deploy', message: 'unknown repo', color: BADGE_COLORS.unknown }));
      return;
    }
    const last = store.lastDeployment(repo, settings.hostname);
    res.send(badgeSvg(deploymentBadge(last?.status)));
  };
}
