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

/**
 * Translate a node:http request into the framework-free shape the providers read.
 * `remoteAddress`: requestAddress() of it, resolved once by the caller.
 */
export function toIncomingRequest(req: Request, rawBody: Buffer, remoteAddress: string): IncomingRequest {
  const headers: Record<string, string | undefined> = {};
  // node:http already gives header names in lower case; only repeated ones are arrays
  for (const name in req.headers) {
    const value = req.headers[name];
    headers[name] = Array.isArray(value) ? value[0] : value;
  }
  return {
    headers,
    rawBody,
    contentType: headers['content-type'] ?? '',
    remoteAddress,
    basicAuth: parseBasicAuth(headers.authorization),
  };
}
