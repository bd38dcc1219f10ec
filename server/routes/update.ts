import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { ingestWebhook, type IngestDeps } from '../../lib/ingest/ingest-webhook';
import { GroupCommitter } from '../../lib/ingest/group-commit';
import { describeError } from '../../lib/errors';
import type { AppContext } from '../app-context';
import { requestAddress, toIncomingRequest } from '../request-info';
import { isTrusted } from '../../lib/network/trusted-networks';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * POST /update, every provider, on plain node:http ahead of Express: it is the one hot
 * path (a git host's burst), and answering it needs none of the page middleware. The raw
 * bytes are kept (signatures are over them), the size limit applies after gzip inflation
 * (body-parser's raw reader), and everything else is lib/ingest's business.
 */
export function createUpdateHandler(ctx: AppContext): Handler {
  const readBody = express.raw({ type: () => true, limit: ctx.settings.bodyLimit, inflate: true }) as unknown as (
    req: IncomingMessage,
    res: ServerResponse,
    next: (err?: unknown) => void,
  ) => void;
  const deps: IngestDeps = {
    settings: ctx.settings,
    store: ctx.store,
    logger: ctx.logger,
    metrics: ctx.metrics,
    committer: new GroupCommitter(ctx.store),
    kick: (repo) => ctx.queue.kick(repo),
  };
  // Bodies are buffered whole (signatures are over all of them): a budget on the bytes in
  // flight keeps a crowd of large requests from exhausting memory.
  const budget = Math.max(IN_FLIGHT_BUDGET, ctx.settings.bodyLimit * 2);
  let inFlight = 0;
  return (req, res) => {
    if (req.method !== 'POST') {
      refuse(ctx, req, res, 405, `${req.method} /update is not supported: git hosts POST webhooks here`, 'IG_USAGE', { Allow: 'POST' });
      return;
    }
    // server-wide trustedNetworks before reading a byte of the body (the per-repo lists
    // need the payload and are checked in lib/webhooks)
    const from = requestAddress(req, ctx.settings);
    if (ctx.settings.trustedNetworks.length > 0 && !isTrusted(from, ctx.settings.trustedNetworks)) {
      refuse(ctx, req, res, 403, `request from ${from} is outside \`trustedNetworks\``, 'IG_NETWORK_UNTRUSTED');
      return;
    }
    const declared = Number.parseInt(String(req.headers['content-length'] ?? ''), 10);
    const cost = Number.isFinite(declared) && declared >= 0 && !req.headers['content-encoding'] ? Math.min(declared, ctx.settings.bodyLimit) : ctx.settings.bodyLimit;
    if (inFlight + cost > budget) {
      refuse(ctx, req, res, 503, `too many large deliveries at once (${inFlight} bytes being read); retry shortly`, 'IG_PAYLOAD_TOO_LARGE', { 'Retry-After': '5' });
      return;
    }
    inFlight += cost;
    let released = false;
    const release = (): void => {
      if (!released) inFlight -= cost;
      released = true;
    };
    res.once('close', release);
    readBody(req, res, (err?: unknown) => {
      if (err) {
        release();
        bodyError(ctx, req, res, err);
        return;
      }
      const raw = (req as IncomingMessage & { body?: unknown }).body;
      const body = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
      ingestWebhook(deps, toIncomingRequest(req, body, ctx.settings))
        .then((a) => answer(res, a.status, a.body))
        .catch((e: unknown) => {
          // the store failed (disk full, database gone): nothing was promised, the host retries
          ctx.logger.error(`POST /update could not be stored: ${describeError(e)}`);
          answer(res, 503, { error: 'the delivery could not be stored (see the server log); retry later', code: 'IG_DATABASE_UNAVAILABLE' });
        })
        .finally(release);
    });
  };
}

const IN_FLIGHT_BUDGET = 256 * 1024 * 1024;

/** Answer a request refused before its body was read, and log it as a delivery. */
function refuse(ctx: AppContext, req: IncomingMessage, res: ServerResponse, status: number, reason: string, code: string, headers: Record<string, string> = {}): void {
  const from = requestAddress(req, ctx.settings);
  recordRejection(ctx, from, status, reason);
  // the unread body is not wanted: close the connection rather than drain it
  answer(res, status, { error: reason, code }, { Connection: 'close', ...headers });
}

function recordRejection(ctx: AppContext, from: string, status: number, reason: string): void {
  try {
    ctx.store.recordDelivery({ remoteAddr: from, outcome: 'rejected', statusCode: status, reason });
  } catch (err) {
    ctx.logger.error(`could not record a rejected delivery: ${describeError(err)}`);
  }
  ctx.metrics.deliveries.inc({ provider: 'unknown', outcome: 'rejected' });
  ctx.logger.warn(`delivery from ${from}: rejected ${status}: ${reason}`);
}

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** body-parser failures (too large, bad encoding, aborted) are deliveries too: log them. */
function bodyError(ctx: AppContext, req: IncomingMessage, res: ServerResponse, err: { type?: string; status?: number; message?: string }): void {
  const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 400;
  const reason =
    err.type === 'entity.too.large'
      ? `body exceeds the limit of ${ctx.settings.bodyLimit} bytes (setting \`bodyLimit\`)`
      : err.type === 'encoding.unsupported'
        ? `unsupported Content-Encoding or charset: ${err.message ?? ''}`
        : err.type === 'request.aborted'
          ? 'the client aborted the request'
          : `unreadable body: ${err.message ?? err.type ?? 'unknown error'}`;
  recordRejection(ctx, requestAddress(req, ctx.settings), status, reason);
  answer(res, status, { error: reason, code: status === 413 ? 'IG_PAYLOAD_TOO_LARGE' : 'IG_PAYLOAD_INVALID' }, { Connection: 'close' });
}
