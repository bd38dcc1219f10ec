import http from 'node:http';
import https from 'node:https';
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { IntegralGitError } from './errors';
import { redactUrl } from './remote-url';

/**
 * The one HTTP client isomorphic-git is given, for the config branch and for working
 * copies alike, with one redirect policy: **redirects are never followed**. The URL fetched
 * is the settings' `url` (SPEC §8: a git host cannot choose what is fetched), so a 3xx is
 * an error naming the status and the target's origin, never a hop: credentials can never
 * follow a redirect, and a moved repository is fixed where it is named, in the settings.
 * The native backend applies the same policy with `-c http.followRedirects=false`
 * (lib/workcopy/native/native-git-env.ts); outgoing notifications with `redirect: 'manual'`
 * (lib/outcomes/send-http.ts).
 *
 * Also: an Authorization or Cookie header never goes to another origin than the settings
 * URL's, whatever isomorphic-git asks; every request honours the caller's abort signal; a
 * socket silent for `idleTimeoutMs` is dropped; response bodies can be capped.
 */
export interface GitHttpClientOptions {
  /** the remote URL from the settings (credentials in it are never shown) */
  url: string;
  /** aborts every request (a caller's time guard) */
  signal?: AbortSignal;
  /** refuse a response body past this many bytes */
  maxBodyBytes?: number;
  /** what the bytes are for, in the size error (`the config branch`) */
  what?: string;
  /** a socket with nothing to say for this long is dropped; default 120 s */
  idleTimeoutMs?: number;
  /** the transport under the policy (node's http/https by default; unit tests inject one) */
  base?: HttpClient;
}

const IDLE_TIMEOUT_MS = 120_000;

export function gitHttpClient(opts: GitHttpClientOptions): HttpClient {
  const origin = new URL(opts.url).origin;
  const base = opts.base ?? nodeTransport(opts.idleTimeoutMs ?? IDLE_TIMEOUT_MS);
  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      const target = new URL(req.url);
      let headers = { ...(req.headers ?? {}) };
      if (target.origin !== origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([h]) => !['authorization', 'cookie'].includes(h.toLowerCase())));
      }
      const res = await base.request({ ...req, headers, signal: opts.signal ?? req.signal });
      if (res.statusCode >= 300 && res.statusCode < 400) {
        await res.body?.return?.();
        throw redirectRefused(opts.url, req.url, res.statusCode, headerValue(res.headers, 'location'));
      }
      if (opts.maxBodyBytes === undefined || !res.body) return res;
      return { ...res, body: capBody(res.body, opts.maxBodyBytes, opts.url, opts.what ?? 'one response') };
    },
  };
}

/** IG_FETCH_FAILED naming the redirect (status and the target's origin only: its path may carry a token). */
export function redirectRefused(settingsUrl: string, requestUrl: string, status: number, location: string | undefined): IntegralGitError {
  let to = '(no Location header)';
  if (location !== undefined) {
    try {
      to = new URL(location, requestUrl).origin;
    } catch {
      to = '(an invalid Location header)';
    }
  }
  const url = redactUrl(settingsUrl);
  return new IntegralGitError(
    'IG_FETCH_FAILED',
    `the remote ${url} answered HTTP ${status}, a redirect to ${to}: redirects are not followed (IntegralGit fetches only the URL in the settings, so credentials never follow a redirect); if the repository moved, set its current address as its \`url\` in the settings`,
    { url, status, redirectTo: to },
  );
}

function headerValue(headers: GitHttpResponse['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((h) => h.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

async function* capBody(body: AsyncIterableIterator<Uint8Array>, max: number, url: string, what: string): AsyncIterableIterator<Uint8Array> {
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > max) {
      throw new IntegralGitError('IG_FETCH_FAILED', `the remote ${redactUrl(url)} sent more than ${max} bytes for ${what}; refusing it`, { url: redactUrl(url) });
    }
    yield chunk;
  }
}

/** node's http/https, one request each, never following anything (isomorphic-git's own client would). */
function nodeTransport(idleTimeoutMs: number): HttpClient {
  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      const url = new URL(req.url);
      const headers: Record<string, string> = { ...(req.headers ?? {}) };
      let payload: Buffer | undefined;
      if (req.body) {
        const chunks: Buffer[] = [];
        for await (const c of req.body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
        payload = Buffer.concat(chunks);
        headers['content-length'] = String(payload.length);
      }
      const mod = url.protocol === 'https:' ? https : http;
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const r = mod.request(url, { method: req.method ?? 'GET', headers, signal: req.signal }, resolve);
        r.on('error', reject);
        r.setTimeout(idleTimeoutMs, () => r.destroy(new Error(`no answer from ${url.origin} for ${idleTimeoutMs / 1000} s`)));
        r.end(payload);
      });
      const outHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) outHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
      return {
        url: req.url,
        method: req.method,
        statusCode: res.statusCode ?? 0,
        statusMessage: res.statusMessage ?? '',
        headers: outHeaders,
        body: res[Symbol.asyncIterator]() as AsyncIterableIterator<Uint8Array>,
      };
    },
  };
}
