/**
 * The contract every git-host provider implements: recognise a request by its headers,
 * turn its body into one normalised shape, and check its signature with the repo secret.
 * Providers are pure: no I/O, no HTTP framework, no store.
 */

import type { IncomingRequest } from '../webhook-primitives/incoming-request';
import type { NormalizedPush } from '../webhook-primitives/normalized-push';

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
