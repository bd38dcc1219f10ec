import http from 'node:http';
import https from 'node:https';
import type { HttpClient, GitHttpRequest, GitHttpResponse } from 'isomorphic-git';
import { stripCredentials } from '../../remote-url';

/**
 * The HTTP client given to isomorphic-git. Unlike isomorphic-git/http/node it never follows
 * a redirect (the URL fetched is always the settings' one), and it drops any Authorization
 * header on a request to an origin other than the settings URL's: credentials never leave
 * for another host or port, whatever isomorphic-git asks.
 */
export class RedirectRefusedError extends Error {
  constructor(
    readonly from: string,
    readonly to: string,
    readonly status: number,
  ) {
    super(`HTTP ${status} redirect from ${stripCredentials(from)} to ${stripCredentials(to)} refused`);
    this.name = 'RedirectRefusedError';
  }
}

const TIMEOUT_MS = 120_000;

export function lockedHttpClient(settingsUrl: string): HttpClient {
  const origin = new URL(stripCredentials(settingsUrl)).origin;
  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      const url = new URL(req.url);
      const headers: Record<string, string> = { ...(req.headers ?? {}) };
      if (url.origin !== origin) {
        for (const k of Object.keys(headers)) if (k.toLowerCase() === 'authorization') delete headers[k];
      }
      let payload: Buffer | undefined;
      if (req.body) {
        const chunks: Buffer[] = [];
        for await (const c of req.body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
        payload = Buffer.concat(chunks);
        headers['content-length'] = String(payload.length);
      }
      const mod = url.protocol === 'https:' ? https : http;
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const r = mod.request(url, { method: req.method ?? 'GET', headers }, resolve);
        r.on('error', reject);
        r.setTimeout(TIMEOUT_MS, () => r.destroy(new Error(`no answer from ${url.origin} for ${TIMEOUT_MS / 1000} s`)));
        r.end(payload);
      });
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        res.resume();
        throw new RedirectRefusedError(req.url, String(res.headers.location ?? '(no location)'), status);
      }
      const outHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) outHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
      return {
        url: req.url,
        method: req.method,
        statusCode: status,
        statusMessage: res.statusMessage ?? '',
        headers: outHeaders,
        body: res[Symbol.asyncIterator]() as AsyncIterableIterator<Uint8Array>,
      };
    },
  };
}
