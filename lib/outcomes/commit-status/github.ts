import type { CommitStatusProvider } from './types';
import { jsonHeaders, joinUrl, ownerAndName, ownerNameProblem } from './request-parts';

/**
 * GitHub and GitHub Enterprise Server: `POST /repos/{owner}/{repo}/statuses/{sha}`
 * (docs.github.com/rest/commits/statuses). States are ours already; `description` is
 * cut at 140 characters by the caller.
 */
export const githubStatus: CommitStatusProvider = {
  name: 'github',
  defaultApiUrl: ({ host }) => (host === 'github.com' ? 'https://api.github.com' : `https://${host}/api/v3`),
  pathProblem: (repoPath) => ownerNameProblem(repoPath, 'GitHub'),
  request(endpoint, update) {
    const [owner, name] = ownerAndName(endpoint.repoPath) ?? ['', ''];
    const body: Record<string, string> = { state: update.state, context: update.context, description: update.description };
    if (update.targetUrl) body.target_url = update.targetUrl;
    return {
      method: 'POST',
      url: joinUrl(endpoint.apiUrl, 'repos', owner, name, 'statuses', update.sha),
      headers: jsonHeaders({ Authorization: `Bearer ${endpoint.token}`, Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' }),
      body: JSON.stringify(body),
    };
  },
};
