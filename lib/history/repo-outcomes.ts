import type { Store } from '../store';
import { durationChart, type DurationChart } from './duration-chart';
import { WINDOWS_DAYS, windowStart, windowStats, type WindowStats } from './outcome-stats';

export const REPO_CHART_SLOTS = 40;
export const INDEX_CHART_SLOTS = 20;

export interface RepoOutcomes {
  chart: DurationChart;
  /** 7 days, then 30 days */
  windows: WindowStats[];
}

/**
 * The chart of the last `slots` deployments of `repo` on `host` and its 7/30-day figures:
 * two index range reads (the newest N by id; one covering-index range for 30 days).
 */
export function repoOutcomes(store: Store, repo: string, host: string, slots: number, now: Date = new Date()): RepoOutcomes {
  const chart = durationChart(store.recentOutcomes(repo, host, slots), slots);
  const longest = Math.max(...WINDOWS_DAYS);
  const samples = store.outcomesSince(repo, host, windowStart(now, longest));
  const windows = WINDOWS_DAYS.map((days) => windowStats(samples, days, windowStart(now, days)));
  return { chart, windows };
}
