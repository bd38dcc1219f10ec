import type { ErrorCode } from '../errors';
import type { NormalizedPush } from '../webhook-primitives/normalized-push';

/** What to answer a request to `POST /update` and what to record about it. */
export interface WebhookDecision {
  /** always one of 200, 202, 400, 401, 403, 404 */
  status: number;
  outcome: 'accepted' | 'ignored' | 'rejected' | 'ping';
  /** one line for the answer body and the deliveries log; never contains a secret or an expected signature */
  reason: string;
  provider?: string;
  /** the settings key of the matched repo */
  repo?: string;
  deliveryId?: string;
  eventType?: string;
  /** the pushed refs, only for `accepted` (empty otherwise) */
  pushes: NormalizedPush[];
  errorCode?: ErrorCode;
}

export interface DecisionContext {
  provider?: string;
  repo?: string;
  deliveryId?: string;
  eventType?: string;
}

export function rejected(status: number, errorCode: ErrorCode, reason: string, context: DecisionContext = {}): WebhookDecision {
  return { status, outcome: 'rejected', reason, errorCode, pushes: [], ...context };
}
