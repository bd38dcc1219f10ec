import nodeHttp from 'isomorphic-git/http/node';
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { IntegralGitError } from '../errors';
import { redactUrl } from '../remote-url';

export interface GuardedHttpOptions {
  /** the remote URL from the settings: its origin is the only one credentials go to */
  url: string;
  /** the repo has credentials configured (from `auth` or in the URL) */
  withCredentials: boolean;
  /** aborts every request (the fetch's time guard) */
  signal: AbortSignal;
  /** refuse response bodies past this size: a config branch is small */
  maxBodyBytes: number;
  /** the underlying client (isomorphic-git's node client by default; tests inject one) */
  base?: HttpClient;
}

const MAX_REDIRECTS = 5;

/**
 * An isomorphic-git HTTP client that follows redirects itself, like git does:
 *  - only for GETs (the ref advertisement), and later requests go to the redirected base
 *    URL, so the POST of the pack negotiation is never redirected;
 *  - never to another origin (scheme, host, port) when credentials are configured: the
 *    fetch fails with a message naming the new origin instead. isomorphic-git's own node
 *    client drops the Authorization header on such a redirect, but it still asks onAuth
 *    again when the other origin answers 401; refusing early is the only way to be sure
 *    a token never reaches a host the sysadmin did not name;
 *  - never from https to http.
 * It also passes the fetch's abort signal to every request and caps response sizes.
 */
export function guardedHttp(opts: GuardedHttpOptions): HttpClient {
  const base = opts.base ?? nodeHttp;
  const origin = new URL(opts.url).origin;
  let rewrite: { from: string; to: string } | undefined;

  async function request(req: GitHttpRequest): Promise<GitHttpResponse> {
    let url = rewrite && req.url.startsWith(rewrite.from) ? rewrite.to + req.url.slice(rewrite.from.length) : req.url;
    let headers = { ...(req.headers ?? {}) };
    const method = (req.method ?? 'GET').toUpperCase();
    for (let hops = 0; ; hops++) {
      const res = await base.request({ ...req, url, headers, method, signal: opts.signal, fetchOptions: { ...(req.fetchOptions ?? {}), followRedirects: false } });
      const location = headerValue(res.headers, 'location');
      if (res.statusCode < 300 || res.statusCode >= 400 || !location) {
        return { ...res, url, body: res.body && capBody(res.body, opts.maxBodyBytes, opts.url) };
      }
      await discard(res.body);
      const target = new URL(location, url);
      const from = new URL(url);
      const refuse = (why: string) =>
        new IntegralGitError('IG_FETCH_FAILED', `the remote ${redactUrl(opts.url)} redirected to ${target.origin}: ${why}`, { url: redactUrl(opts.url), status: res.statusCode, redirectOrigin: target.origin });
      if (hops >= MAX_REDIRECTS) throw refuse(`more than ${MAX_REDIRECTS} redirects`);
      if (from.protocol === 'https:' && target.protocol !== 'https:') throw refuse('a redirect from https to plain http is refused');
      const crossOrigin = target.origin !== origin;
      const carriesAuth = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
      if (crossOrigin && (opts.withCredentials || carriesAuth)) {
        throw refuse('credentials are never sent to another origin; if the repository moved, set its new URL in the settings');
      }
      if (method !== 'GET') throw refuse(`a ${method} request is not redirected (git only follows the redirect of the first request)`);
      // git's rule: a redirected ref advertisement moves the base URL for the requests after it
      const suffix = /\/info\/refs\?.*$/.exec(url)?.[0];
      if (suffix && target.href.endsWith(suffix)) {
        rewrite = { from: url.slice(0, -suffix.length), to: target.href.slice(0, -suffix.length) };
      }
      url = target.href;
      if (crossOrigin) headers = Object.fromEntries(Object.entries(headers).filter(([h]) => !['authorization', 'cookie'].includes(h.toLowerCase())));
    }
  }

  return { request };
}

function headerValue(headers: GitHttpResponse['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((h) => h.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

/** Discard a redirect page without reading it (a hostile one could be endless). */
async function discard(body: GitHttpResponse['body']): Promise<void> {
  await body?.return?.();
}

async function* capBody(body: AsyncIterableIterator<Uint8Array>, max: number, url: string): AsyncIterableIterator<Uint8Array> {
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > max) {
      throw new IntegralGitError('IG_FETCH_FAILED', `the remote ${redactUrl(url)} sent more than ${max} bytes for the config branch; refusing it`, { url: redactUrl(url) });
    }
    yield chunk;
  }
}
