import type { CommitStatusProvider } from './types';
import { jsonHeaders, joinUrl, ownerAndName, ownerNameProblem } from './request-parts';

/**
 * Gitea, Forgejo and Gogs: `POST /repos/{owner}/{repo}/statuses/{sha}` with a
 * CreateStatusOption body (`state` pending/success/error/failure, `context`,
 * `description`, `target_url`), token as `Authorization: token …`.
 */
export const giteaStatus: CommitStatusProvider = {
  name: 'gitea',
  defaultApiUrl: ({ host }) => `https://${host}/api/v1`,
  pathProblem: (repoPath) => ownerNameProblem(repoPath, 'Gitea'),
  request(endpoint, update) {
    const [owner, name] = ownerAndName(endpoint.repoPath) ?? ['', ''];
    const body: Record<string, string> = { state: update.state, context: update.context, description: update.description };
    if (update.targetUrl) body.target_url = update.targetUrl;
    return {
      method: 'POST',
      url: joinUrl(endpoint.apiUrl, 'repos', owner, name, 'statuses', update.sha),
      headers: jsonHeaders({ Authorization: `token ${endpoint.token}` }),
      body: JSON.stringify(body),
    };
  },
};
