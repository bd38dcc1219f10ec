/**
 * The contract every git-host provider implements: recognise a request by its headers,
 * turn its body into one normalised shape, and check its signature with the repo secret.
 * Providers are pure: no I/O, no HTTP framework, no store.
 */

export interface IncomingRequest {
  /** lowercased header names, first value only */
  headers: Record<string, string | undefined>;
  /** the body exactly as received: signatures are computed over these bytes */
  rawBody: Buffer;
  /** the Content-Type header as sent (parameters such as `; charset=utf-8` allowed) */
  contentType: string;
  /** the client address, already resolved through `trustProxy` (see lib/network/client-address.ts) */
  remoteAddress: string;
  /** credentials from an `Authorization: Basic` header or the hook URL's `user:password@` */
  basicAuth?: { username: string; password: string };
}

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

export interface ParsedDelivery {
  provider: string;
  deliveryId?: string;
  /** the event name as the host names it (`push`, `Push Hook`, `repo:refs_changed`, …) */
  eventType: string;
  kind: 'push' | 'ping' | 'ignored';
  ignoredReason?: string;
  /** clone URLs (http and ssh), web URL and `owner/name`, as found in the payload */
  repoIdentities: string[];
  /**
   * A settings key named directly (only the generic trigger does this: `{"repo": "myapp"}`).
   * When set, it is looked up in `repos` instead of matching URLs.
   */
  repoName?: string;
  webUrl?: string;
  pushes: NormalizedPush[];
}

export interface Provider {
  name: string;
  /** true when the request carries this provider's headers (or body shape, for the legacy form) */
  detect(req: IncomingRequest): boolean;
  /** throws IntegralGitError IG_PAYLOAD_INVALID naming what is wrong */
  parse(req: IncomingRequest): ParsedDelivery;
  /** throws IntegralGitError IG_SIGNATURE_MISSING or IG_SIGNATURE_MISMATCH; never reveals the expected value */
  verify(req: IncomingRequest, secret: string): void;
}
