import type { HealthStore } from '../store';
import { describeError } from '../errors';
import { isDatabaseBusy } from '../store/busy-retry';

export interface WriteHealthStatus {
  /** the last write (probe or real) went to disk */
  ok: boolean;
  /** when the last probe or real write was seen (ISO-8601), null before the first */
  checkedAt: string | null;
  /** why writes fail, in words a sysadmin can act on (absent while ok) */
  error?: string;
}

export const WRITE_PROBE_INTERVAL_MS = 10_000;

/**
 * Whether the database takes writes, for readiness (/healthz): a file that is read-only, on
 * a full disk or damaged still answers reads, so a read alone says "ok" while every push gets
 * 503. A tiny write (the header's application_id rewritten with its own value, a real page
 * write with no row to keep) runs on a timer, never on the request, and failures of real
 * writes are reported here too. A lock held by another process is not a failure: it is
 * waited out (busy-retry.ts).
 */
export class WriteHealth {
  private state: WriteHealthStatus = { ok: true, checkedAt: null };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: HealthStore,
    private readonly intervalMs = WRITE_PROBE_INTERVAL_MS,
  ) {}

  get status(): WriteHealthStatus {
    return this.state;
  }

  start(): void {
    this.probe();
    this.timer = setInterval(() => this.probe(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  probe(): void {
    try {
      this.store.probeWrite();
      this.state = { ok: true, checkedAt: new Date().toISOString() };
    } catch (err) {
      if (!isDatabaseBusy(err)) this.failed(err);
    }
  }

  /** A real write failed: readiness says so until the next write (probe or real) succeeds. */
  failed(err: unknown): void {
    if (isDatabaseBusy(err) || (err as { code?: unknown })?.code === 'IG_DATABASE_BUSY') return;
    this.state = { ok: false, checkedAt: new Date().toISOString(), error: writeFailureCause(this.store.file, err) };
  }
}

/** SQLite's result code turned into the cause and the fix. */
export function writeFailureCause(file: string, err: unknown): string {
  const code = String((err as { code?: unknown })?.code ?? '');
  const detail = describeError(err);
  if (code === 'SQLITE_FULL' || /ENOSPC/.test(detail)) return `the disk holding ${file} is full (${detail}): free space there`;
  if (code.startsWith('SQLITE_READONLY')) return `${file} cannot be written (${detail}): check that the file, its -wal/-shm files and their directory are writable by the service user and the filesystem is mounted read-write`;
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return `${file} is damaged (${detail}): restore it from a backup (docs/reference/database.md)`;
  if (code.startsWith('SQLITE_IOERR')) return `${file} cannot be written: an I/O error (${detail}); check the disk and the kernel log`;
  return `writes to ${file} fail: ${detail}`;
}
