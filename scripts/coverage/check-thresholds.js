// Pure: turns coverage summaries and the floors into the list of shortfalls (empty = pass).
'use strict';

/** Summed lines/branches/functions/statements of the files under `prefix` ('' = all). */
function summarize(files, prefix) {
  const total = {};
  for (const [file, summary] of Object.entries(files)) {
    if (!file.startsWith(prefix)) continue;
    for (const key of ['lines', 'branches', 'functions', 'statements']) {
      const t = (total[key] ??= { total: 0, covered: 0 });
      t.total += summary[key].total;
      t.covered += summary[key].covered;
    }
  }
  for (const t of Object.values(total)) t.pct = t.total === 0 ? 100 : (100 * t.covered) / t.total;
  return total;
}

/**
 * `files`: { 'lib/x.ts': { lines: {total, covered}, branches: {...}, ... } } with paths relative
 * to the repository root. Returns messages naming the path, the measure, the figure and the floor.
 */
function checkThresholds(files, thresholds) {
  const failures = [];
  const scopes = [['global', '', thresholds.global ?? {}], ...Object.entries(thresholds.paths ?? {}).map(([p, t]) => [p, p, t])];
  for (const [label, prefix, floors] of scopes) {
    const summary = summarize(files, prefix);
    if (Object.keys(summary).length === 0) {
      failures.push(`${label}: no covered file matches this path (a renamed folder? update scripts/coverage/thresholds.js)`);
      continue;
    }
    for (const [measure, floor] of Object.entries(floors)) {
      const pct = summary[measure].pct;
      if (pct < floor) failures.push(`${label} ${measure} ${pct.toFixed(2)} % is below the floor of ${floor} %`);
    }
  }
  return failures;
}

module.exports = { checkThresholds, summarize };
