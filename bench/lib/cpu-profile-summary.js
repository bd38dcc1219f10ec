'use strict';
const fs = require('node:fs');
const path = require('node:path');

/**
 * Where the time goes in a V8 `.cpuprofile` (written by `node --cpu-prof`): self time by
 * code area (a package under node_modules, a file of dist/, node internals, GC, idle) and
 * inclusive time of the functions that matter for a webhook request, each as a share of the
 * non-idle time. Inclusive counts a function once per sample even when it recurses.
 */
function summarizeProfile(file, { top = 20, focus = [] } = {}) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const selfByArea = new Map();
  const selfByFunction = new Map();
  const inclusive = new Map();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] || 0;
    const node = byId.get(id);
    const name = node.callFrame.functionName;
    if (name === '(idle)') {
      idle += dt;
      return;
    }
    total += dt;
    const area = areaOf(node.callFrame);
    selfByArea.set(area, (selfByArea.get(area) || 0) + dt);
    const fn = label(node.callFrame);
    selfByFunction.set(fn, (selfByFunction.get(fn) || 0) + dt);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur).callFrame.functionName;
      if (f && focus.includes(f) && !seen.has(f)) {
        seen.add(f);
        inclusive.set(f, (inclusive.get(f) || 0) + dt);
      }
    }
  });
  const pct = (v) => (100 * v) / total;
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    busyMs: total / 1000,
    idleMs: idle / 1000,
    areas: sorted(selfByArea).slice(0, top).map(([k, v]) => ({ name: k, pct: pct(v) })),
    functions: sorted(selfByFunction).slice(0, top).map(([k, v]) => ({ name: k, pct: pct(v) })),
    inclusive: focus.map((f) => ({ name: f, pct: pct(inclusive.get(f) || 0) })),
  };
}

function areaOf(frame) {
  const url = frame.url || '';
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0] + (url.includes('internal/') ? ' (internals)' : '');
  const dist = /dist\/(.*)$/.exec(url);
  if (dist) return dist[1];
  return path.basename(url);
}

function label(frame) {
  const file = (frame.url || '').replace(/^.*node_modules\//, '').replace(/^.*dist\//, '').replace(/^file:\/\//, '');
  return `${frame.functionName || '(anonymous)'} ${file}${file ? ':' + (frame.lineNumber + 1) : ''}`;
}

/** The newest .cpuprofile in a directory. */
function latestProfile(dir) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) return undefined;
  return path.join(dir, files.map((f) => [f, fs.statSync(path.join(dir, f)).mtimeMs]).sort((a, b) => b[1] - a[1])[0][0]);
}

module.exports = { summarizeProfile, latestProfile };
