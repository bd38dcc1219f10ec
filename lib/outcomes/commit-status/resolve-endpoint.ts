import { repoMatchKey } from '../../remote-url';
import type { CommitStatusProviderName, CommitStatusSettings } from '../../settings/outcome-types';
import { COMMIT_STATUS_PROVIDERS, statusProviderForHost, statusProviderForWebhook } from './registry';
import type { CommitStatusProvider, RepoCoordinates, StatusEndpoint } from './types';

/** Why statuses cannot be posted, as one sentence to put after `repos.<name>.commitStatus: `. */
export interface StatusTargetProblem {
  problem: string;
  /** only the provider is missing: a webhook from the host may still tell it */
  providerUnknown?: boolean;
}

export interface ResolvedStatusTarget {
  provider: CommitStatusProvider;
  endpoint: StatusEndpoint;
}

/** The repo url as host + path, through the match key webhook matching uses (hosts resolve owner/name case-insensitively). */
export function repoCoordinates(url: string): RepoCoordinates | undefined {
  const normalized = repoMatchKey(url);
  if (normalized === undefined) return undefined;
  const slash = normalized.indexOf('/');
  const coords = { host: normalized.slice(0, slash), path: normalized.slice(slash + 1) };
  return coords.host && coords.path ? coords : undefined;
}

/**
 * Which API, which repository path and which token a repo's statuses go to. The provider
 * is the one set in the settings, else the one its webhooks come from, else the one of a
 * well-known public host; without any, the sysadmin has to name it. Returns a problem
 * instead of throwing: the caller records it as the status message's error, or as a
 * settings problem at start.
 */
export function resolveStatusTarget(
  repoUrl: string,
  settings: CommitStatusSettings,
  webhookProvider?: string,
): ResolvedStatusTarget | StatusTargetProblem {
  const coords = repoCoordinates(repoUrl);
  if (!coords) return { problem: 'the repo url is not on a git host (a local path?), so there is no commit to post a status on' };
  const name: CommitStatusProviderName | undefined =
    settings.provider ?? (webhookProvider !== undefined ? statusProviderForWebhook(webhookProvider) : undefined) ?? statusProviderForHost(coords.host);
  if (!name) {
    return {
      problem: `set "provider" (github, gitlab, gitea, bitbucket-cloud or bitbucket-server): ${coords.host} is not a well-known host and no webhook from it has come yet`,
      providerUnknown: true,
    };
  }
  const provider = COMMIT_STATUS_PROVIDERS[name];
  const pathProblem = provider.pathProblem(coords.path);
  if (pathProblem) return { problem: pathProblem };
  const endpoint: StatusEndpoint = { apiUrl: settings.apiUrl ?? provider.defaultApiUrl(coords), repoPath: coords.path, token: settings.token };
  if (settings.username !== undefined) endpoint.username = settings.username;
  return { provider, endpoint };
}
