import type { DeploymentOutcome, FinishedStatus } from '../store';
import { formatDuration } from './format-time';
import { shortSha } from './commit-text';
import { median } from './outcome-stats';

/** One bar; coordinates are in the chart's viewBox units. */
export interface ChartBar {
  id: number;
  status: FinishedStatus;
  x: number;
  y: number;
  width: number;
  height: number;
  /** the tooltip and accessible name: "#12 succeeded in 4.2 s · 1a2b3c4d5e" */
  label: string;
  config: boolean;
  /** taller than the scale: drawn full height, with a break mark */
  clipped: boolean;
}

export interface DurationChart {
  /** viewBox size */
  width: number;
  height: number;
  bars: ChartBar[];
  /** the duration the top of the plot stands for, as text ("1 min 02 s"), '' when nothing ran */
  axisMax: string;
  /** how many bars were cut at the top of the scale */
  clippedCount: number;
  /** one sentence a screen reader (and anyone) can read instead of the picture */
  summary: string;
  counts: Record<FinishedStatus, number>;
}

export const SLOT_WIDTH = 10;
export const BAR_WIDTH = 7;
export const PLOT_HEIGHT = 100;
/** skipped deployments ran nothing: a short stub, so they are seen but not read as fast */
export const SKIP_HEIGHT = 6;
const MIN_HEIGHT = 3;
/** one slow outlier would flatten every other bar: the scale stops at this many times the median */
export const SCALE_CAP_MEDIANS = 3;

/**
 * Bars of the last deployments, oldest on the left, height proportional to the duration
 * against the slowest one shown. `slots` fixes the width, so charts of different repos
 * line up in the index even when one has fewer deployments.
 */
export function durationChart(newestFirst: readonly DeploymentOutcome[], slots: number): DurationChart {
  const shown = newestFirst.slice(0, slots).reverse();
  const ranMs = shown.filter((o) => o.status !== 'skipped' && o.durationMs !== null).map((o) => o.durationMs as number);
  const maxMs = Math.max(0, ...ranMs);
  const mid = median(ranMs) ?? 0;
  const scaleMs = mid > 0 ? Math.min(maxMs, mid * SCALE_CAP_MEDIANS) : maxMs;
  let clippedCount = 0;
  const counts: Record<FinishedStatus, number> = { succeeded: 0, failed: 0, skipped: 0 };
  const offset = slots - shown.length; // right-aligned: the newest is always at the right edge
  const bars = shown.map((o, i): ChartBar => {
    counts[o.status]++;
    const ran = o.status !== 'skipped' && o.durationMs !== null;
    const clipped = ran && (o.durationMs as number) > scaleMs;
    if (clipped) clippedCount++;
    const height = ran ? Math.max(MIN_HEIGHT, scaleMs > 0 ? (Math.min(o.durationMs as number, scaleMs) / scaleMs) * PLOT_HEIGHT : MIN_HEIGHT) : o.status === 'skipped' ? SKIP_HEIGHT : MIN_HEIGHT;
    const h = round(height);
    const took = ran ? ` in ${formatDuration(o.durationMs)}` : '';
    const what = o.trigger === 'config' ? ' (config change)' : '';
    return {
      id: o.id,
      status: o.status,
      x: (offset + i) * SLOT_WIDTH + (SLOT_WIDTH - BAR_WIDTH) / 2,
      y: round(PLOT_HEIGHT - h),
      width: BAR_WIDTH,
      height: h,
      label: `#${o.id} ${o.status}${took}${what}${o.commit ? ` · ${shortSha(o.commit)}` : ''}`,
      config: o.trigger === 'config',
      clipped,
    };
  });
  return { width: slots * SLOT_WIDTH, height: PLOT_HEIGHT, bars, axisMax: scaleMs > 0 ? formatDuration(scaleMs) : '', clippedCount, summary: summarise(shown, counts, maxMs), counts };
}

function summarise(shown: readonly DeploymentOutcome[], counts: Record<FinishedStatus, number>, maxMs: number): string {
  if (shown.length === 0) return 'No finished deployments yet.';
  const parts = (['succeeded', 'failed', 'skipped'] as const).filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  const ran = shown.filter((o) => o.status !== 'skipped' && o.durationMs !== null).map((o) => o.durationMs as number);
  const range = ran.length ? `; durations ${formatDuration(Math.min(...ran))} to ${formatDuration(maxMs)}` : '';
  const last = shown[shown.length - 1];
  return `Last ${shown.length} deployment${shown.length === 1 ? '' : 's'}, oldest first: ${parts.join(', ')}${range}. The newest, #${last.id}, ${last.status}.`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
