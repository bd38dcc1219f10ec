/**
 * One pushed ref in the shape every provider normalises its payload to; ingest stores it
 * and the webhook decision carries it, so it lives below providers and webhooks alike.
 */

export interface NormalizedCommit {
  id: string;
  message: string;
  authorName: string;
  authorEmail?: string;
  /** as the host wrote it (ISO-8601 for every host but the legacy Bitbucket service, which is converted) */
  timestamp: string;
  url?: string;
}

export interface NormalizedPush {
  /** full ref, e.g. `refs/heads/main`, `refs/tags/v1.0` */
  ref: string;
  branch: string | null;
  tag: string | null;
  /** null when the ref did not exist before (created) or the host does not say */
  before: string | null;
  /** null when the ref was deleted or the host does not say */
  after: string | null;
  created: boolean;
  deleted: boolean;
  forced: boolean;
  commits: NormalizedCommit[];
  /** true when the payload lists only some (or none) of the pushed commits: fill them from git */
  commitsTruncated: boolean;
  pusher?: string;
  compareUrl?: string;
}
