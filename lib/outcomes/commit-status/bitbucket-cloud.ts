import type { CommitStatusProvider } from './types';
import { BITBUCKET_STATES } from './bitbucket-states';
import { bearerOrBasic, jsonHeaders, joinUrl, ownerAndName, ownerNameProblem } from './request-parts';

/**
 * Bitbucket Cloud: `POST /repositories/{workspace}/{repo}/commit/{sha}/statuses/build`
 * with `key`, `state`, `url` (required by Bitbucket: the settings check wants publicUrl),
 * `name`, `description`. A status with the same key is overwritten, so one key per host.
 */
export const bitbucketCloudStatus: CommitStatusProvider = {
  name: 'bitbucket-cloud',
  defaultApiUrl: () => 'https://api.bitbucket.org/2.0',
  pathProblem: (repoPath) => ownerNameProblem(repoPath, 'Bitbucket Cloud'),
  request(endpoint, update) {
    const [workspace, name] = ownerAndName(endpoint.repoPath) ?? ['', ''];
    return {
      method: 'POST',
      url: joinUrl(endpoint.apiUrl, 'repositories', workspace, name, 'commit', update.sha, 'statuses', 'build'),
      headers: jsonHeaders({ Authorization: bearerOrBasic(endpoint) }),
      body: JSON.stringify({
        key: update.context,
        state: BITBUCKET_STATES[update.state],
        name: update.context,
        description: update.description,
        url: update.targetUrl ?? '',
      }),
    };
  },
};
