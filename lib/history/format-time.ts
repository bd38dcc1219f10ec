/**
 * Times as the pages show them before the browser's script takes over: relative ("3 min
 * ago") with the exact UTC time for the tooltip. The script re-renders both in the
 * viewer's time zone; without it (or for `curl`) these server-side strings still read well.
 */

const UNITS: Array<[string, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['min', 60],
  ['s', 1],
];

/** "just now", "42 s ago", "3 min ago", "2 days ago", "in 5 min" (clock skew); '' for a missing or unreadable time. */
export function relativeTime(iso: string | null | undefined, now: Date = new Date()): string {
  const ms = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(ms)) return '';
  const seconds = Math.round((now.getTime() - ms) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 5) return 'just now';
  for (const [unit, size] of UNITS) {
    if (abs >= size) {
      const n = Math.floor(abs / size);
      const word = unit === 'min' || unit === 's' ? unit : n === 1 ? unit : `${unit}s`;
      return seconds >= 0 ? `${n} ${word} ago` : `in ${n} ${word}`;
    }
  }
  return 'just now';
}

/** "2025-03-01 14:05:09 UTC"; the input as given when it is not a time. */
export function exactUtc(iso: string | null | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
}

/** "850 ms", "4.2 s", "3 min 04 s", "1 h 02 min"; '' when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)} min ${String(totalSeconds % 60).padStart(2, '0')} s`;
  const minutes = Math.floor(totalSeconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
