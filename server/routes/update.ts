import type { IncomingMessage, ServerResponse } from 'node:http';
import { ingestWebhook, type IngestDeps } from '../../lib/ingest/ingest-webhook';
import { GroupCommitter } from '../../lib/ingest/group-commit';
import { recordRefusedRequest } from '../../lib/ingest/report-delivery';
import { describeError, isIntegralGitError } from '../../lib/errors';
import type { AppContext } from '../app-context';
import { requestAddress, toIncomingRequest } from '../request-info';
import { isTrusted } from '../../lib/network/trusted-networks';
import { BUSY_RETRY_AFTER_S, WriteBehind } from '../../lib/store/busy-retry';
import { lingerAndClose, readUpdateBody, type BodyFailure } from '../read-update-body';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * POST /update, every provider, on plain node:http ahead of Express: it is the one hot
 * path (a git host's burst), and answering it needs none of the page middleware. The raw
 * bytes are kept (signatures are over them), the size limit applies after inflation, slow
 * bodies are cut off (read-update-body.ts), and everything else is lib/ingest's business.
 */
export function createUpdateHandler(ctx: AppContext): Handler {
  const deps: IngestDeps = {
    settings: ctx.settings,
    store: ctx.store,
    logger: ctx.logger,
    metrics: ctx.metrics,
    committer: new GroupCommitter(ctx.store),
    kick: (repo) => ctx.queue.kick(repo),
  };
  const refusals = refusalLog(ctx);
  const fleet = ctx.fleet;
  if (fleet) deps.recordAccepted = (repo, req, deliveryId) => fleet.recordDelivery(repo, req, deliveryId);
  // Bodies are buffered whole (signatures are over all of them): a budget on the bytes in
  // flight keeps a crowd of large requests from exhausting memory.
  const budget = Math.max(IN_FLIGHT_BUDGET, ctx.settings.bodyLimit * 2);
  let inFlight = 0;
  return (req, res) => {
    if (req.method !== 'POST') {
      refuse(refusals, req, res, 405, `${req.method} /update is not supported: git hosts POST webhooks here`, 'IG_USAGE', { Allow: 'POST' });
      return;
    }
    // server-wide trustedNetworks before reading a byte of the body (the per-repo lists
    // need the payload and are checked in lib/webhooks)
    const from = requestAddress(req, ctx.settings);
    if (ctx.settings.trustedNetworks.length > 0 && !isTrusted(from, ctx.settings.trustedNetworks)) {
      refuse(refusals, req, res, 403, `request from ${from} is outside \`trustedNetworks\``, 'IG_NETWORK_UNTRUSTED');
      return;
    }
    // charged with the bytes actually held, so trickling clients cost nothing and leave
    // the budget to deliveries arriving at a normal speed
    let charged = 0;
    const release = (): void => {
      inFlight -= charged;
      charged = 0;
    };
    res.once('close', release);
    const limits = {
      limit: ctx.settings.bodyLimit,
      ...BODY_TIMING,
      charge: (bytes: number): boolean => {
        if (inFlight + bytes > budget) return false;
        inFlight += bytes;
        charged += bytes;
        return true;
      },
    };
    readUpdateBody(req, limits, (result) => {
      if (!Buffer.isBuffer(result)) {
        release();
        bodyError(refusals, req, res, result, inFlight);
        return;
      }
      const body = result;
      ingestWebhook(deps, toIncomingRequest(req, body, from))
        .then((a) => answer(res, a.status, a.body))
        .catch((e: unknown) => {
          // the store failed (disk full, database gone, locked too long by another process):
          // nothing was stored or promised, the host delivers again
          ctx.logger.error(`POST /update could not be stored: ${describeError(e)}`);
          ctx.writeHealth.failed(e);
          const busy = isIntegralGitError(e) && e.code === 'IG_DATABASE_BUSY';
          answer(
            res,
            503,
            busy
              ? { error: `the delivery could not be stored: ${e.message}; retry later`, code: 'IG_DATABASE_BUSY' }
              : { error: 'the delivery could not be stored (see the server log); retry later', code: 'IG_DATABASE_UNAVAILABLE' },
            { 'Retry-After': busy ? String(BUSY_RETRY_AFTER_S) : '30' },
          );
        })
        .finally(release);
    });
  };
}

const IN_FLIGHT_BUDGET = 256 * 1024 * 1024;
/** git hosts send a delivery in one go: a body that stalls 5 s, or crawls below 1 KiB/s after 5 s, is cut off */
export const BODY_TIMING = { idleMs: 5_000, graceMs: 5_000, minBytesPerSecond: 1024 };

/** What records refused requests: the context, and a write-behind queue for rows a foreign write lock holds up. */
type RefusalLog = Pick<AppContext, 'settings' | 'store' | 'logger' | 'metrics'> & { writes: WriteBehind };

function refusalLog(ctx: AppContext): RefusalLog {
  const writes = new WriteBehind((err, queued) => {
    if (queued) ctx.logger.warn(`rejected deliveries wait for the database's write lock, which another process holds: ${describeError(err)}`);
    else ctx.logger.error(`could not record a rejected delivery: ${describeError(err)}`);
  });
  return { settings: ctx.settings, store: ctx.store, logger: ctx.logger, metrics: ctx.metrics, writes };
}

/** Answer a request refused before its body was read, and log it as a delivery. */
function refuse(ctx: RefusalLog, req: IncomingMessage, res: ServerResponse, status: number, reason: string, code: string, headers: Record<string, string> = {}): void {
  const from = requestAddress(req, ctx.settings);
  recordRefusedRequest(ctx, from, status, reason);
  // the unread body is not wanted: close the connection rather than drain it
  answer(res, status, { error: reason, code }, { Connection: 'close', ...headers });
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

/** Bodies refused while being read (too large, too slow, bad encoding, aborted) are deliveries too: log them. */
function bodyError(ctx: RefusalLog, req: IncomingMessage, res: ServerResponse, failure: BodyFailure, inFlight: number): void {
  const [status, code, reason] = describeBodyFailure(ctx, failure, inFlight);
  recordRefusedRequest(ctx, requestAddress(req, ctx.settings), status, reason);
  lingerAndClose(req);
  answer(res, status, { error: reason, code }, { Connection: 'close', ...(status === 503 ? { 'Retry-After': '5' } : {}) });
}

function describeBodyFailure(ctx: RefusalLog, failure: BodyFailure, inFlight: number): [number, string, string] {
  switch (failure.kind) {
    case 'too-large':
      return [413, 'IG_PAYLOAD_TOO_LARGE', `body exceeds the limit of ${ctx.settings.bodyLimit} bytes (setting \`bodyLimit\`)`];
    case 'budget':
      return [503, 'IG_PAYLOAD_TOO_LARGE', `too many large deliveries at once (${inFlight} bytes being read); retry shortly`];
    case 'too-slow':
      return [408, 'IG_PAYLOAD_INVALID', `the body arrived too slowly (${failure.reason}); git hosts send a delivery at once`];
    case 'encoding':
      return [415, 'IG_PAYLOAD_INVALID', failure.message];
    case 'aborted':
      return [400, 'IG_PAYLOAD_INVALID', 'the client aborted the request'];
  }
}
