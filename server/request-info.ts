import type { IncomingMessage as Request } from 'node:http';
import type { IncomingRequest } from '../lib/webhook-primitives/incoming-request';
import { clientAddress } from '../lib/network/client-address';
import type { Settings } from '../lib/settings/types';
import { parseBasicAuth } from '../lib/webhooks/parse-basic-auth';

/** The client address after `trustProxy`: X-Forwarded-For is believed only from trusted proxies. */
export function requestAddress(req: Request, settings: Settings): string {
  const xff = req.headers['x-forwarded-for'];
  return clientAddress(req.socket.remoteAddress ?? '', Array.isArray(xff) ? xff.join(',') : xff, settings.trustProxy);
}

/** Translate an Express request into the framework-free shape the providers read. */
export function toIncomingRequest(req: Request, rawBody: Buffer, settings: Settings): IncomingRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value[0] : value;
  }
  return {
    headers,
    rawBody,
    contentType: headers['content-type'] ?? '',
    remoteAddress: requestAddress(req, settings),
    basicAuth: parseBasicAuth(headers.authorization),
  };
}
