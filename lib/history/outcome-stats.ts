import type { OutcomeSample } from '../store';

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
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Figures of the samples finished at or after `sinceIso` (ISO-8601 UTC strings compare as times). */
export function windowStats(samples: readonly OutcomeSample[], days: number, sinceIso: string): WindowStats {
  let succeeded = 0;
  let failed = 0;
  let skipped = 0;
  const durations: number[] = [];
  for (const [status, durationMs, finishedAt] of samples) {
    if (finishedAt < sinceIso) continue;
    if (status === 'skipped') {
      skipped++;
      continue;
    }
    if (status === 'succeeded') succeeded++;
    else failed++;
    if (durationMs !== null) durations.push(durationMs);
  }
  const ran = succeeded + failed;
  return { days, total: ran + skipped, succeeded, failed, skipped, successRate: ran === 0 ? null : succeeded / ran, medianMs: median(durations) };
}

/** "96 %" (no decimals but never rounds to 100 % while anything failed), or "—". */
export function formatRate(rate: number | null): string {
  if (rate === null) return '—';
  const pct = Math.round(rate * 100);
  return `${rate < 1 && pct === 100 ? 99 : pct} %`;
}
