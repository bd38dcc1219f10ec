import { IntegralGitError } from '../errors';

export const MAX_PAGE_SIZE = 1000;

/** Cursors are the row id of the last item shown; opaque to callers. */
export function formatCursor(id: number): string {
  return String(id);
}

/** The upper bound (exclusive) for `id < ?`; no cursor means "from the newest". */
export function parseCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return Number.MAX_SAFE_INTEGER;
  if (!/^[1-9][0-9]{0,15}$/.test(cursor)) {
    throw new IntegralGitError('IG_USAGE', `invalid page cursor "${cursor.slice(0, 40)}": pass the nextCursor value of the previous page, or no cursor for the first page`, { cursor: cursor.slice(0, 40) });
  }
  return Number(cursor);
}

/** The number of deliveries the log keeps (settings' `deliveriesLimit`). */
export function checkDeliveriesLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new IntegralGitError('IG_SETTINGS_INVALID', `deliveriesLimit must be a whole number of at least 1 (got ${JSON.stringify(limit)})`, { deliveriesLimit: limit });
  }
  return limit;
}

export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new IntegralGitError('IG_USAGE', `invalid page size ${String(limit)}: expected an integer from 1 to ${MAX_PAGE_SIZE}`, { limit });
  }
  return limit;
}

/** Fetch `limit + 1` rows, keep `limit`; the extra row only says a next page exists. */
export function toPage<R extends { id: number }, T>(rows: R[], limit: number, map: (row: R) => T): { items: T[]; nextCursor?: string } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const page: { items: T[]; nextCursor?: string } = { items: kept.map(map) };
  if (more) page.nextCursor = formatCursor(kept[kept.length - 1].id);
  return page;
}

export function checkEnum<T extends string>(what: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new IntegralGitError('IG_INTERNAL', `invalid ${what} ${JSON.stringify(value)}: expected one of ${allowed.join(', ')}`, { [what]: value });
  }
  return value as T;
}

export function checkName(what: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new IntegralGitError('IG_INTERNAL', `${what} must be a non-empty string (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** Normalise a parseable time to ISO-8601 UTC; keep anything else as given rather than lose it. */
export function toIsoUtc(value: string | undefined | null, fallback: string): string {
  if (value === undefined || value === null || value === '') return fallback;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

export function parseJsonArray<T>(text: string | null): T[] {
  if (!text) return [];
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? (value as T[]) : [];
}

export function bool(value: unknown): boolean {
  return value === 1 || value === true;
}

/** The last `maxBytes` of `text` in UTF-8, cut on a character boundary. */
export function tailBytes(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  let start = buf.length - maxBytes;
  while (start < buf.length && (buf[start] & 0xc0) === 0x80) start++;
  return buf.subarray(start).toString('utf8');
}

/** The first `maxBytes` of `text` in UTF-8, cut on a character boundary. */
export function headBytes(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}
