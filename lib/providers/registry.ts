import { bitbucketCloud } from './bitbucket-cloud';
import { bitbucketLegacy } from './bitbucket-legacy';
import { bitbucketServer } from './bitbucket-server';
import { forgejo } from './forgejo';
import { generic } from './generic';
import { gitea } from './gitea';
import { github } from './github';
import { gitlab } from './gitlab';
import { gogs } from './gogs';
import type { IncomingRequest } from '../webhook-primitives/incoming-request';
import type { Provider } from './types';

/**
 * Most specific first: Forgejo sends Gitea, Gogs and GitHub headers too, Gitea sends Gogs
 * and GitHub ones, Gogs sends GitHub ones, and Bitbucket Server shares X-Event-Key with
 * Cloud. Adding a host = one file + one line here.
 */
export const PROVIDERS: readonly Provider[] = [
  forgejo,
  gitea,
  gogs,
  gitlab,
  bitbucketServer,
  bitbucketCloud,
  github,
  generic,
  bitbucketLegacy,
];

/** The header names that identify a provider, for the "unrecognised webhook" message. */
export const PROVIDER_HEADERS = [
  'X-GitHub-Event',
  'X-Gitlab-Event',
  'X-Event-Key',
  'X-Gitea-Event',
  'X-Forgejo-Event',
  'X-Gogs-Event',
  'X-IntegralGit-Event',
];

export function detectProvider(req: IncomingRequest, providers: readonly Provider[] = PROVIDERS): Provider | undefined {
  return providers.find((p) => {
    try {
      return p.detect(req);
    } catch {
      return false;
    }
  });
}
