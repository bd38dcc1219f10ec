import type { HistoryStore } from '../store';
import { durationChart, type DurationChart } from './duration-chart';
import { WINDOWS_DAYS, windowStart, windowStats, type WindowStats } from './outcome-stats';

export const REPO_CHART_SLOTS = 40;
export const INDEX_CHART_SLOTS = 20;
/** the 7/30-day figures are recomputed at least this often even when no deployment finished */
export const WINDOW_FIGURES_TTL_MS = 60_000;

export interface RepoOutcomes {
  chart: DurationChart;
  /** 7 days, then 30 days */
  windows: WindowStats[];
}

interface CachedWindows {
  key: string;
  at: number;
  windows: WindowStats[];
}

/**
 * Window figures per store, repo and host. Counting 30 days of a busy repo (8,640
 * deployments at one every 5 minutes) costs tens of milliseconds; the figures only change
 * when a deployment finishes, or as the window slides (a minute of slide is invisible in
 * a percentage). The key is the newest finished deployment, read fresh for the chart on
 * every request, so a deployment finished by any process (CLI, another server) shows at once.
 */
const windowCache = new WeakMap<HistoryStore, Map<string, CachedWindows>>();

/**
 * The chart of the last `slots` deployments of `repo` on `host` and its 7/30-day figures:
 * the newest N by id (an index range), and the windows' counts and medians computed in
 * SQLite over a covering index, cached as above.
 */
export function repoOutcomes(store: HistoryStore, repo: string, host: string, slots: number, now: Date = new Date()): RepoOutcomes {
  const recent = store.recentOutcomes(repo, host, slots);
  const chart = durationChart(recent, slots);
  const newest = recent[0];
  const key = newest ? `${newest.id}:${newest.status}:${newest.finishedAt ?? ''}` : 'none';
  let perStore = windowCache.get(store);
  if (!perStore) windowCache.set(store, (perStore = new Map<string, CachedWindows>()));
  const cacheKey = `${repo}\0${host}`;
  const cached = perStore.get(cacheKey);
  if (cached && cached.key === key && now.getTime() - cached.at < WINDOW_FIGURES_TTL_MS && now.getTime() >= cached.at) {
    return { chart, windows: cached.windows };
  }
  const windows = WINDOWS_DAYS.map((days) => windowStats(days, store.outcomeCounts(repo, host, windowStart(now, days))));
  perStore.set(cacheKey, { key, at: now.getTime(), windows });
  return { chart, windows };
}
