import type { IncomingMessage as Request } from 'node:http';
import type { IncomingRequest } from '../lib/providers/types';
import { clientAddress } from '../lib/network/client-address';
import type { Settings } from '../lib/settings/types';

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

export function parseBasicAuth(header: string | undefined): { username: string; password: string } | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const idx = decoded.indexOf(':');
  if (idx < 0) return undefined;
  return { username: decoded.slice(0, idx), password: decoded.slice(idx + 1) };
}
