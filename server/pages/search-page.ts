import type { RequestHandler } from 'express';
import { searchHistory } from '../../lib/history/search-history';
import type { PageEnv } from './page-env';
import { renderPage } from './render-page';
import { knownRepo, queryString } from './known-repo';
import { renderUnknownRepo } from './not-found';

/** `/<repo>/search?q=`: commits by message words, author or sha prefix, with their pushes and deployments. */
export function searchPage(env: PageEnv): RequestHandler {
  return (req, res) => {
    const { settings, store } = env.ctx;
    const repo = knownRepo(settings, req);
    if (!repo) return renderUnknownRepo(env, req, res);
    // longer than the parser accepts, so an over-long query is refused, not silently cut
    const q = queryString(req, 'q', 1000) ?? '';
    const commitsBefore = queryString(req, 'commitsBefore');
    const deploymentsBefore = queryString(req, 'deploymentsBefore');
    const result = searchHistory(settings, store, repo, { q, commitsBefore, deploymentsBefore });
    renderPage(env, req, res, 'search', { repo, result, filter: { commitsBefore, deploymentsBefore } }, { title: result.query ? [`“${result.query}”`, repo] : ['Search', repo], nav: 'repos' });
  };
}
