import type { CommitStatusProvider } from './types';
import { BITBUCKET_STATES } from './bitbucket-states';
import { bearerOrBasic, jsonHeaders, joinUrl } from './request-parts';

/**
 * Bitbucket Server / Data Center: `POST {base}/rest/build-status/1.0/commits/{sha}` with
 * `state`, `key`, `url` (required), `name`, `description`; an HTTP access token as Bearer.
 * The commit alone names the target, so the repo path is not needed. A server under a
 * context path (`https://host/bitbucket/scm/proj/repo.git`) keeps it in the API base.
 */
export const bitbucketServerStatus: CommitStatusProvider = {
  name: 'bitbucket-server',
  defaultApiUrl: ({ host, path }) => {
    const scm = `/${path}`.indexOf('/scm/');
    const contextPath = scm > 0 ? `/${path}`.slice(0, scm) : '';
    return `https://${host}${contextPath}/rest/build-status/1.0`;
  },
  pathProblem: () => undefined,
  request(endpoint, update) {
    return {
      method: 'POST',
      url: joinUrl(endpoint.apiUrl, 'commits', update.sha),
      headers: jsonHeaders({ Authorization: bearerOrBasic(endpoint) }),
      body: JSON.stringify({
        state: BITBUCKET_STATES[update.state],
        key: update.context,
        name: update.context,
        url: update.targetUrl ?? '',
        description: update.description,
      }),
    };
  },
};
