import type Zlib from 'node:zlib';
import type Database from 'better-sqlite3';
import { IntegralGitError } from '../errors';
import type { StoreContext } from './context';
import { lazyStatements, type Statements } from './lazy-statements';
import { DELIVERY_OUTCOMES, type DeliveryInput, type DeliveryListOptions, type DeliveryRow, type DeliveryWithBody, type Page } from './types';
import { bool, checkDeliveriesLimit, checkEnum, checkLimit, headBytes, parseCursor, parseJsonArray, toIsoUtc, toPage } from './sql-helpers';

const COLUMNS =
  'id, received_at, remote_addr, provider, event, delivery_id, repo, outcome, status_code, reason, job_ids, body IS NOT NULL AS has_body, body_truncated';

let zlibModule: typeof Zlib | undefined;
/** Loaded on the first deflated body read (rows written before bodies were kept as text): a command that only lists saves ~5 ms of start-up. */
function zlib(): typeof Zlib {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (zlibModule ??= require('node:zlib') as typeof Zlib);
}

interface DeliveryDbRow {
  id: number;
  received_at: string;
  remote_addr: string | null;
  provider: string | null;
  event: string | null;
  delivery_id: string | null;
  repo: string | null;
  outcome: string;
  status_code: number;
  reason: string | null;
  job_ids: string;
  has_body: number;
  body_truncated: number;
  /** TEXT: the head of the raw bytes; a deflated BLOB in rows written by the builds of early December 2026 */
  body?: Buffer | string | null;
}

function toDelivery(r: DeliveryDbRow): DeliveryRow {
  return {
    id: r.id,
    receivedAt: r.received_at,
    remoteAddr: r.remote_addr,
    provider: r.provider,
    event: r.event,
    deliveryId: r.delivery_id,
    repo: r.repo,
    outcome: r.outcome as DeliveryRow['outcome'],
    statusCode: r.status_code,
    reason: r.reason,
    jobIds: parseJsonArray<number>(r.job_ids),
    hasBody: bool(r.has_body),
    bodyTruncated: bool(r.body_truncated),
  };
}

export function listDeliveriesSql(filters: { repo: boolean; outcome: boolean }): string {
  const where: string[] = [];
  if (filters.repo) where.push('repo = ?');
  if (filters.outcome) where.push('outcome = ?');
  where.push('id < ?');
  return `SELECT ${COLUMNS} FROM deliveries WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`;
}

/**
 * Every request to /update with its outcome: the answer to "why didn't my push deploy?".
 * Bounded: ids only grow, so after an insert with id N everything at or below N - limit is
 * dropped by one range delete on the primary key (no count, no scan).
 */
export class DeliveriesTable {
  private readonly sql: Statements<'insert' | 'trim' | 'byId' | 'maxId'>;
  private readonly statements = new Map<string, Database.Statement>();
  private limit: number;

  constructor(
    private readonly ctx: StoreContext,
    limit: number,
  ) {
    this.limit = checkDeliveriesLimit(limit);
    this.sql = lazyStatements(ctx.db, 'deliveries', {
      insert: (prepare) => prepare(
        `INSERT INTO deliveries (received_at, remote_addr, provider, event, delivery_id, repo, outcome, status_code, reason, job_ids, body, body_truncated)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      ).pluck(),
      trim: (prepare) => prepare('DELETE FROM deliveries WHERE id <= ?'),
      byId: (prepare) => prepare(`SELECT ${COLUMNS}, body FROM deliveries WHERE id = ?`),
      maxId: (prepare) => prepare('SELECT max(id) FROM deliveries').pluck(),
    });
  }

  /** Rejected, ignored and duplicate deliveries never keep a body (it may be hostile or huge). */
  recordDelivery(input: DeliveryInput): number {
    const outcome = checkEnum('delivery outcome', input.outcome, DELIVERY_OUTCOMES);
    if (!Number.isInteger(input.statusCode)) {
      throw new IntegralGitError('IG_INTERNAL', `recordDelivery: statusCode must be an integer (got ${JSON.stringify(input.statusCode)})`);
    }
    let body: string | null = null;
    let truncated = false;
    if (outcome === 'accepted' && Buffer.isBuffer(input.body)) {
      // the head of the raw bytes as text, uncompressed: deflating a whole 7 KB push (zlib's
      // state set up per call, the garbage it leaves) was ~60 µs of the intake's ~500 µs per
      // request, and its 1.5 KB more WAL than this 1 KiB head. The event and its commits
      // hold the whole push; this is for a look at what the host sent.
      const head = headOfUtf8(input.body, this.ctx.deliveryBodyLimitBytes);
      truncated = head.length < input.body.length;
      body = head.toString('utf8');
    } else if (outcome === 'accepted' && typeof input.body === 'string') {
      body = headBytes(input.body, this.ctx.deliveryBodyLimitBytes);
      truncated = body.length < input.body.length;
    }
    const now = this.ctx.now();
    return this.ctx.write(() => {
      const id = this.sql.insert.get(
        toIsoUtc(input.receivedAt, now),
        input.remoteAddr ?? null,
        input.provider ?? null,
        input.event ?? null,
        input.deliveryId ?? null,
        input.repo ?? null,
        outcome,
        input.statusCode,
        input.reason ?? null,
        JSON.stringify(input.jobIds ?? []),
        body,
        truncated ? 1 : 0,
      ) as number;
      this.sql.trim.run(id - this.limit);
      return id;
    });
  }

  setDeliveriesLimit(limit: number): void {
    this.limit = checkDeliveriesLimit(limit);
    this.ctx.write(() => {
      const max = this.sql.maxId.get() as number | null;
      if (max !== null) this.sql.trim.run(max - this.limit);
    });
  }

  get deliveriesLimit(): number {
    return this.limit;
  }

  listDeliveries(opts: DeliveryListOptions): Page<DeliveryRow> {
    const limit = checkLimit(opts.limit);
    const before = parseCursor(opts.before);
    const params: unknown[] = [];
    if (opts.repo !== undefined) params.push(opts.repo);
    if (opts.outcome !== undefined) params.push(checkEnum('delivery outcome', opts.outcome, DELIVERY_OUTCOMES));
    params.push(before, limit + 1);
    const key = `${opts.repo !== undefined}:${opts.outcome !== undefined}`;
    let stmt = this.statements.get(key);
    if (!stmt) {
      stmt = this.ctx.db.prepare(listDeliveriesSql({ repo: opts.repo !== undefined, outcome: opts.outcome !== undefined }));
      this.statements.set(key, stmt);
    }
    return toPage(stmt.all(...params) as DeliveryDbRow[], limit, toDelivery);
  }

  getDelivery(id: number): DeliveryWithBody | undefined {
    const row = this.sql.byId.get(id) as DeliveryDbRow | undefined;
    return row && { ...toDelivery(row), body: row.body == null ? null : Buffer.isBuffer(row.body) ? zlib().inflateRawSync(row.body).toString('utf8') : row.body };
  }
}

/** The first `maxBytes` of a UTF-8 buffer, cut before a character that would not fit whole. */
function headOfUtf8(buf: Buffer, maxBytes: number): Buffer {
  if (buf.length <= maxBytes) return buf;
  let end = maxBytes;
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--;
  return buf.subarray(0, end);
}
