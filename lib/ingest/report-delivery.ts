import { describeError } from '../errors';
import type { Logger } from '../log/logger';
import type { Metrics } from '../metrics/metrics';
import type { IngestStore, DeliveryOutcome } from '../store';
import type { WriteBehind } from '../store/busy-retry';

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

/** Refusals held back while another process locks the database; past this many, more are only logged (a flood must not grow memory). */
export const MAX_HELD_REFUSALS = 1_000;

/**
 * A request to /update refused before its body could be decided on (wrong method, outside
 * `trustedNetworks`, too large, too slow): a rejected delivery without a body in the
 * deliveries log, then reported like any other. The refusal is answered whether or not the
 * row could be written, so a store failure is logged, not thrown. With `writes`, a row the
 * locked database refuses is written once it is released (the server's connection waits
 * only 25 ms inside SQLite).
 */
export function recordRefusedRequest(deps: ReportDeps & { store: Pick<IngestStore, 'recordDelivery'>; writes?: WriteBehind }, remoteAddr: string, status: number, reason: string): void {
  // the time of the refusal, not of a write that waited for the lock
  const row = { receivedAt: new Date().toISOString(), remoteAddr, outcome: 'rejected' as const, statusCode: status, reason };
  try {
    if (!deps.writes) deps.store.recordDelivery(row);
    else if (deps.writes.pending < MAX_HELD_REFUSALS) deps.writes.run(() => void deps.store.recordDelivery(row));
    else deps.logger.error(`could not record a rejected delivery: ${MAX_HELD_REFUSALS} are already waiting for the database's write lock`);
  } catch (err) {
    deps.logger.error(`could not record a rejected delivery: ${describeError(err)}`);
  }
  reportDelivery(deps, { remoteAddr }, 'rejected', status, reason);
}
