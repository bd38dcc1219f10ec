import type { MsgHdrs } from 'nats';
import type { IncomingRequest } from '../webhook-primitives/incoming-request';
import { parseBasicAuth } from '../webhooks/parse-basic-auth';

/** Who published the delivery: its own host skips it (it ingested it already). */
export const FROM_HOST_HEADER = 'Integralgit-From-Host';
/** The git host's address as the accepting host saw it: each host applies its own trustedNetworks to it. */
export const REMOTE_ADDRESS_HEADER = 'Integralgit-Remote-Address';

/**
 * Headers that describe one HTTP hop, not the delivery. `content-encoding` and
 * `content-length` go because the body travels inflated. Any `nats-*` header is dropped:
 * those are JetStream's own (Nats-Msg-Id, Nats-Expected-Stream, …) and a git host's
 * request must never steer the stream.
 */
const HOP_HEADERS = new Set(['host', 'connection', 'keep-alive', 'content-length', 'content-encoding', 'transfer-encoding', 'accept-encoding', 'te', 'upgrade', 'expect', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-real-ip']);

export interface DeliveryMessage {
  headers: MsgHdrs;
  data: Uint8Array;
}

/** The headers of a delivery worth forwarding: the git host's, without hop-by-hop or bus-control ones. */
export function forwardedHeaders(req: IncomingRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || HOP_HEADERS.has(lower) || lower.startsWith('nats-') || lower.startsWith('integralgit-')) continue;
    out[lower] = value;
  }
  return out;
}

/** An accepted delivery as a stream message: its HTTP headers as NATS headers, its raw body as the data. */
export function encodeDelivery(req: IncomingRequest, fromHost: string): DeliveryMessage {
  // required here, not at the top: a server without `fleet` never loads the NATS client
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const h = (require('nats') as typeof import('nats')).headers();
  for (const [name, value] of Object.entries(forwardedHeaders(req))) h.set(name, value);
  h.set(FROM_HOST_HEADER, fromHost);
  h.set(REMOTE_ADDRESS_HEADER, req.remoteAddress);
  return { headers: h, data: req.rawBody };
}

/** A stream message back into the request the providers read, as if the git host had sent it here. */
export function decodeDelivery(msg: { headers?: MsgHdrs; data: Uint8Array }): { fromHost: string; request: IncomingRequest } {
  const headers: Record<string, string | undefined> = {};
  let fromHost = '';
  let remoteAddress = '';
  for (const key of msg.headers?.keys() ?? []) {
    const lower = key.toLowerCase();
    const value = msg.headers?.get(key) ?? '';
    if (lower === FROM_HOST_HEADER.toLowerCase()) fromHost = value;
    else if (lower === REMOTE_ADDRESS_HEADER.toLowerCase()) remoteAddress = value;
    else if (!lower.startsWith('nats-')) headers[lower] = value;
  }
  return {
    fromHost,
    request: {
      headers,
      rawBody: Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength),
      contentType: headers['content-type'] ?? '',
      remoteAddress,
      basicAuth: parseBasicAuth(headers.authorization),
    },
  };
}
