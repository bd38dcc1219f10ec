import type { OutcomeCounts } from '../store';

/** How deployments went over the last `days` days. */
export interface WindowStats {
  days: number;
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  /** succeeded / (succeeded + failed): a skip is neither (nothing was run); null when nothing ran */
  successRate: number | null;
  /** median duration of the deployments that ran (succeeded or failed); null when none did */
  medianMs: number | null;
}

export const WINDOWS_DAYS = [7, 30] as const;
const DAY_MS = 24 * 3600 * 1000;

export function windowStart(now: Date, days: number): string {
  return new Date(now.getTime() - days * DAY_MS).toISOString();
}

/** The median of `values` (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The figures of one window from the store's counts. */
export function windowStats(days: number, c: OutcomeCounts): WindowStats {
  const ran = c.succeeded + c.failed;
  return {
    days,
    total: ran + c.skipped,
    succeeded: c.succeeded,
    failed: c.failed,
    skipped: c.skipped,
    successRate: ran === 0 ? null : c.succeeded / ran,
    medianMs: c.medianMs,
  };
}

/** "96 %" (no decimals but never rounds to 100 % while anything failed), or "—". */
export function formatRate(rate: number | null): string {
  if (rate === null) return '—';
  const pct = Math.round(rate * 100);
  return `${rate < 1 && pct === 100 ? 99 : pct} %`;
}
