import type { RequestHandler } from 'express';
import { repoSummaries } from '../../lib/history/repo-summaries';
import type { PageEnv } from './page-env';
import { renderPage } from './render-page';

export const INDEX_DELIVERIES = 10;

/** `/`: every repo at a glance, and the last deliveries ("I pushed and nothing happened"). */
export function indexPage(env: PageEnv): RequestHandler {
  return (req, res) => {
    const { settings, store } = env.ctx;
    const repos = repoSummaries(settings, store);
    const deliveries = store.listDeliveries({ limit: INDEX_DELIVERIES });
    renderPage(env, req, res, 'index', { repos, deliveries: deliveries.items }, { title: [`Repositories on ${settings.hostname}`], nav: 'repos' });
  };
}
