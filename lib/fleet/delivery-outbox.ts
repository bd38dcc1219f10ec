import { randomUUID } from 'node:crypto';
import type { NatsConnection } from 'nats';
import type { OutboxSender } from '../outbox';
import type { IncomingRequest } from '../webhook-primitives/incoming-request';
import type { OutboxMessageInput } from '../store';
import { encodeDelivery, forwardedHeaders } from './delivery-message';
import { deliverySubject } from './fleet-names';

/** Outbox rows of accepted deliveries waiting to be published to the fleet's stream. */
export const FLEET_DELIVERY_KIND = 'fleet-delivery';
const TARGET = 'fleet';

interface DeliveryPayload {
  repo: string;
  /** the JetStream message id: the delivery id, so the stream drops a second copy */
  msgId: string;
  headers: Record<string, string>;
  /** base64: the signatures are over these exact bytes */
  body: string;
  remoteAddress: string;
}

/** The outbox row for an accepted delivery (written in the transaction that stores it). */
export function deliveryOutboxMessage(repo: string, req: IncomingRequest, deliveryId: string | undefined, host: string): OutboxMessageInput {
  const payload: DeliveryPayload = {
    repo,
    msgId: deliveryId ?? `${host}-${randomUUID()}`,
    headers: forwardedHeaders(req),
    body: req.rawBody.toString('base64'),
    remoteAddress: req.remoteAddress,
  };
  return { kind: FLEET_DELIVERY_KIND, target: TARGET, event: 'delivery', payload, repo };
}

/**
 * Publishes one row to the stream; throws while the bus is away (the dispatcher retries).
 * Resolves only once JetStream acknowledged the message: it is then stored on the bus.
 */
export function deliverySender(connection: () => NatsConnection | undefined, host: string): OutboxSender {
  return async (message, signal) => {
    const nc = connection();
    if (!nc) throw new Error('the fleet bus is not connected');
    const p = message.payload as DeliveryPayload;
    const req: IncomingRequest = { headers: p.headers, rawBody: Buffer.from(p.body, 'base64'), contentType: p.headers['content-type'] ?? '', remoteAddress: p.remoteAddress };
    const { headers, data } = encodeDelivery(req, host);
    if (signal.aborted) throw new Error('aborted');
    await nc.jetstream().publish(deliverySubject(p.repo), data, { msgID: p.msgId, headers, timeout: 10_000 });
  };
}
