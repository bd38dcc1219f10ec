'use strict';
const fs = require('node:fs');
const path = require('node:path');

/**
 * git's trace2 event stream, switched on for the IntegralGit server only: a global config
 * file (GIT_CONFIG_GLOBAL, which IntegralGit passes through to git) naming an event target.
 * Every git process the server runs then records its argv, start time and duration.
 */
function enableGitTrace(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, 'git-trace2.json');
  const config = path.join(dir, 'git-trace.gitconfig');
  fs.writeFileSync(config, `[trace2]\n\teventTarget = ${target}\n\teventBrief = false\n`);
  return { env: { GIT_CONFIG_GLOBAL: config }, target };
}

/** Top-level git commands (not git's own children) as { argv, startNs, endNs, ms }. */
function readGitTrace(target) {
  if (!fs.existsSync(target)) return [];
  const text = fs.readFileSync(target, 'utf8');
  const bySid = new Map();
  for (const line of text.split('\n')) {
    if (!line) continue;
    let ev;
    try {
      ev = JSON.parse(line);
    } catch {
      continue;
    }
    if (!ev.sid || ev.sid.includes('/')) continue;
    const entry = bySid.get(ev.sid) || {};
    if (ev.event === 'start') {
      entry.argv = ev.argv;
      entry.startNs = isoToNs(ev.time);
    } else if (ev.event === 'exit' || ev.event === 'atexit') {
      entry.endNs = isoToNs(ev.time);
    }
    bySid.set(ev.sid, entry);
  }
  return [...bySid.values()]
    .filter((e) => e.argv && e.startNs !== undefined && e.endNs !== undefined)
    .map((e) => ({ ...e, ms: Number(e.endNs - e.startNs) / 1e6 }))
    .sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
}

/**
 * The processes git itself started (sid with a '/': remote-http, rev-list, maintenance, …)
 * one level down, as { argv, startNs, endNs, ms }.
 */
function readGitChildren(target) {
  if (!fs.existsSync(target)) return [];
  const bySid = new Map();
  for (const line of fs.readFileSync(target, 'utf8').split('\n')) {
    let ev;
    try {
      ev = line ? JSON.parse(line) : undefined;
    } catch {
      continue;
    }
    if (!ev || !ev.sid || ev.sid.split('/').length !== 2) continue;
    const entry = bySid.get(ev.sid) || {};
    if (ev.event === 'start') {
      entry.argv = ev.argv.map((a) => a.replace(/^.*\/git-core\//, ''));
      entry.startNs = isoToNs(ev.time);
    } else if (ev.event === 'exit' || ev.event === 'atexit') entry.endNs = isoToNs(ev.time);
    bySid.set(ev.sid, entry);
  }
  return [...bySid.values()]
    .filter((e) => e.argv && e.startNs !== undefined && e.endNs !== undefined)
    .map((e) => ({ ...e, ms: Number(e.endNs - e.startNs) / 1e6 }));
}

// "2026-11-23T16:04:16.123456Z" → BigInt nanoseconds since the epoch
function isoToNs(iso) {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(iso);
  if (!m) return undefined;
  const seconds = BigInt(Date.parse(m[1] + 'Z')) / 1000n;
  const frac = (m[2] || '').padEnd(9, '0').slice(0, 9);
  return seconds * 1_000_000_000n + BigInt(frac);
}

/** "git fetch", "git rev-parse", … (the subcommand after any -c options). */
function commandName(argv) {
  const args = argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-c' || args[i] === '-C') {
      i++;
      continue;
    }
    if (!args[i].startsWith('-')) return `git ${args[i]}`;
  }
  return 'git';
}

module.exports = { enableGitTrace, readGitTrace, readGitChildren, commandName };
