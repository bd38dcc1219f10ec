/**
 * One webhook request as every layer sees it, whatever the HTTP framework or transport
 * (Express, the fleet bus): providers detect and verify on this shape, the webhook
 * decision routes it. It lives below both so neither imports the other for it.
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

/** A header's value, trimmed, or undefined when absent or blank. */
export function header(req: IncomingRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
