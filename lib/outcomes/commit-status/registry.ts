import type { CommitStatusProviderName } from '../../settings/outcome-types';
import { bitbucketCloudStatus } from './bitbucket-cloud';
import { bitbucketServerStatus } from './bitbucket-server';
import { giteaStatus } from './gitea';
import { githubStatus } from './github';
import { gitlabStatus } from './gitlab';
import type { CommitStatusProvider } from './types';

export const COMMIT_STATUS_PROVIDERS: Readonly<Record<CommitStatusProviderName, CommitStatusProvider>> = {
  github: githubStatus,
  gitlab: gitlabStatus,
  gitea: giteaStatus,
  'bitbucket-cloud': bitbucketCloudStatus,
  'bitbucket-server': bitbucketServerStatus,
};

/**
 * The status API of the host a webhook came from (a provider name of lib/providers):
 * Forgejo and Gogs speak Gitea's API, the legacy Bitbucket service is Bitbucket Cloud.
 * Undefined for the generic trigger, which names no git host.
 */
export function statusProviderForWebhook(webhookProvider: string): CommitStatusProviderName | undefined {
  const map: Record<string, CommitStatusProviderName> = {
    github: 'github',
    gitlab: 'gitlab',
    gitea: 'gitea',
    forgejo: 'gitea',
    gogs: 'gitea',
    'bitbucket-cloud': 'bitbucket-cloud',
    'bitbucket-legacy': 'bitbucket-cloud',
    'bitbucket-server': 'bitbucket-server',
  };
  return Object.prototype.hasOwnProperty.call(map, webhookProvider) ? map[webhookProvider] : undefined;
}

/** The provider of the well-known public hosts, before any webhook came. */
export function statusProviderForHost(host: string): CommitStatusProviderName | undefined {
  if (host === 'github.com') return 'github';
  if (host === 'gitlab.com') return 'gitlab';
  if (host === 'bitbucket.org') return 'bitbucket-cloud';
  if (host === 'codeberg.org') return 'gitea';
  return undefined;
}
