import type { RequestHandler } from 'express';
import { repoSummaries } from '../../lib/history/repo-summaries';
import { INDEX_CHART_SLOTS, repoOutcomes } from '../../lib/history/repo-outcomes';
import type { PageEnv } from './page-env';
import { renderPage } from './render-page';
import { withRuns } from '../../lib/history/delivery-runs';

export const INDEX_DELIVERIES = 10;

/** `/`: every repo at a glance, and the last deliveries ("I pushed and nothing happened"). */
export function indexPage(env: PageEnv): RequestHandler {
  return (req, res) => {
    const { settings, store } = env.ctx;
    const now = new Date();
    const repos = repoSummaries(settings, store).map((r) => ({ ...r, outcomes: repoOutcomes(store, r.name, settings.hostname, INDEX_CHART_SLOTS, now) }));
    const deliveries = store.listDeliveries({ limit: INDEX_DELIVERIES });
    renderPage(env, req, res, 'index', { repos, deliveries: withRuns(store, deliveries.items), chartSlots: INDEX_CHART_SLOTS }, { title: [`Repositories on ${settings.hostname}`], nav: 'repos' });
  };
}
