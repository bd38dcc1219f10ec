import type { CommitStatusProvider, StatusState } from './types';
import { jsonHeaders, joinUrl } from './request-parts';

/** GitLab has no `error`; a deployment that could not start is `failed` there too. */
const STATES: Record<StatusState, string> = { pending: 'running', success: 'success', failure: 'failed', error: 'failed' };

/**
 * GitLab: `POST /projects/{url-encoded path}/statuses/{sha}` (docs.gitlab.com/api/commits,
 * "Set the pipeline status of a commit"), token in `PRIVATE-TOKEN`. The label is `name`.
 * A deployment under way is `running` (GitLab's `pending` means "not started yet").
 */
export const gitlabStatus: CommitStatusProvider = {
  name: 'gitlab',
  defaultApiUrl: ({ host }) => `https://${host}/api/v4`,
  // subgroups are fine: the whole path is one URL-encoded id
  pathProblem: (repoPath) => (repoPath.includes('/') ? undefined : `GitLab addresses a project as namespace/name, but the repo url's path is "${repoPath}"`),
  request(endpoint, update) {
    const body: Record<string, string> = { state: STATES[update.state], name: update.context, description: update.description };
    if (update.targetUrl) body.target_url = update.targetUrl;
    if (update.ref) body.ref = update.ref;
    return {
      method: 'POST',
      url: joinUrl(endpoint.apiUrl, 'projects', encodeURIComponent(endpoint.repoPath), 'statuses', update.sha),
      headers: jsonHeaders({ 'PRIVATE-TOKEN': endpoint.token }),
      body: JSON.stringify(body),
    };
  },
};
