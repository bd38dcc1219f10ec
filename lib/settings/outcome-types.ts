/** Resolved settings of SPEC §9: commit statuses and notification targets. */
import type { COMMIT_STATUS_PROVIDERS, NOTIFY_EVENTS, NOTIFY_TYPES } from './outcome-schema';

export type CommitStatusProviderName = (typeof COMMIT_STATUS_PROVIDERS)[number];
export type NotifyType = (typeof NOTIFY_TYPES)[number];
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** `repos.<name>.commitStatus`, with its token read. */
export interface CommitStatusSettings {
  /** undefined: the provider of the repo's webhooks, found when a status is sent */
  provider?: CommitStatusProviderName;
  /** undefined: derived from the repo url for the provider */
  apiUrl?: string;
  token: string;
  /** set for basic auth (Bitbucket app passwords, Atlassian API tokens) */
  username?: string;
}

interface NotifyTargetBase {
  /** shown in `notifications[].target`, on the pages and in /metrics; never a URL (it may hold a token) */
  name: string;
  /** repo names; undefined = every repo */
  repos?: string[];
  on: NotifyEvent[];
}

export interface WebhookTarget extends NotifyTargetBase {
  type: 'webhook';
  url: string;
  /** HMAC key of X-IntegralGit-Signature-256; unsigned when absent */
  secret?: string;
}

export interface SlackTarget extends NotifyTargetBase {
  type: 'slack';
  url: string;
}

export interface EmailTarget extends NotifyTargetBase {
  type: 'email';
  /** smtp://host:port or smtps://host:port, without credentials */
  smtp: string;
  from: string;
  to: string[];
  username?: string;
  password?: string;
}

export type NotifyTarget = WebhookTarget | SlackTarget | EmailTarget;
