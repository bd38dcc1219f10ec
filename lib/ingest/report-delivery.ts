import { describeError } from '../errors';
import type { Logger } from '../log/logger';
import type { Metrics } from '../metrics/metrics';
import type { IngestStore, DeliveryOutcome } from '../store';

/** Who sent a delivery and what it was, as far as it got before its outcome was known. */
export interface DeliveryFacts {
  remoteAddr: string;
  provider?: string;
  deliveryId?: string;
  repo?: string;
  /** `via fleet from <host>: ` for a delivery that came over the fleet's bus, else empty */
  via?: string;
}

export interface ReportDeps {
  logger: Logger;
  metrics?: Metrics;
}

/**
 * The one log line and counter of a delivery's outcome, whichever layer decided it (the
 * request reader refusing a body, or the webhook decision): a sysadmin greps one format
 * and `integralgit_deliveries_total` counts every request to /update once. Rejections are
 * warnings: a wrong secret or a hook pointed at the wrong server is theirs to fix.
 */
export function reportDelivery(deps: ReportDeps, facts: DeliveryFacts, outcome: DeliveryOutcome, status: number, reason: string): void {
  deps.metrics?.deliveries.inc({ provider: facts.provider ?? 'unknown', outcome });
  const what = `${facts.provider ?? 'unknown provider'}${facts.repo ? `, repo ${facts.repo}` : ''}`;
  const line = `${facts.via ?? ''}delivery ${facts.deliveryId ?? '-'} from ${facts.remoteAddr} (${what}): ${outcome} ${status}: ${reason}`;
  if (outcome === 'rejected') deps.logger.warn(line);
  else deps.logger.info(line);
}

/**
 * A request to /update refused before its body could be decided on (wrong method, outside
 * `trustedNetworks`, too large, too slow): a rejected delivery without a body in the
 * deliveries log, then reported like any other. The refusal is answered whether or not the
 * row could be written, so a store failure is logged, not thrown.
 */
export function recordRefusedRequest(deps: ReportDeps & { store: Pick<IngestStore, 'recordDelivery'> }, remoteAddr: string, status: number, reason: string): void {
  try {
    deps.store.recordDelivery({ remoteAddr, outcome: 'rejected', statusCode: status, reason });
  } catch (err) {
    deps.logger.error(`could not record a rejected delivery: ${describeError(err)}`);
  }
  reportDelivery(deps, { remoteAddr }, 'rejected', status, reason);
}
