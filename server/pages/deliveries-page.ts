import type { RequestHandler } from 'express';
import { DELIVERY_OUTCOMES, type DeliveryOutcome } from '../../lib/store';
import { IntegralGitError } from '../../lib/errors';
import type { PageEnv } from './page-env';
import { renderPage } from './render-page';
import { withRuns } from '../../lib/history/delivery-runs';
import { queryString } from './known-repo';

export const DELIVERIES_PAGE_SIZE = 50;

/** `/deliveries`: every request to /update with outcome and reason, filtered by repo and outcome. */
export function deliveriesPage(env: PageEnv): RequestHandler {
  return (req, res) => {
    const { settings, store } = env.ctx;
    const repo = queryString(req, 'repo');
    const outcome = queryString(req, 'outcome');
    if (outcome !== undefined && !(DELIVERY_OUTCOMES as readonly string[]).includes(outcome)) {
      throw new IntegralGitError('IG_USAGE', `outcome must be one of ${DELIVERY_OUTCOMES.join(', ')}`);
    }
    const before = queryString(req, 'before');
    const page = store.listDeliveries({ limit: DELIVERIES_PAGE_SIZE, repo, outcome: outcome as DeliveryOutcome | undefined, before });
    renderPage(
      env,
      req,
      res,
      'deliveries',
      { deliveries: withRuns(store, page.items), nextCursor: page.nextCursor, filter: { repo, outcome, before }, repoNames: Object.keys(settings.repos).sort(), outcomes: DELIVERY_OUTCOMES },
      { title: repo ? [`Deliveries for ${repo}`] : ['Deliveries'], nav: 'deliveries' },
    );
  };
}
