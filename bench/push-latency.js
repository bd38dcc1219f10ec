'use strict';
/*
 * Push-to-script-start latency of an incremental deployment of one commit: a real repo
 * served over local smart HTTP, `integralgit serve` in its own process with the repo's
 * working copy already deployed, then N pushes one after another. For each: commit, push
 * to the bare repo, POST the signed GitHub webhook, and take the time from just before the
 * POST to the first line of the deploy script (`date +%s%N`, the script's own clock).
 * Baseline, same run, after each deployment: native `git fetch` + `git reset --hard` of
 * the same commit in a separate clone of the same URL.
 *
 *   npm run build && node bench/push-latency.js [--pushes 20] [--backend native|isomorphic] [--trace]
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { githubPushPayload } = require('../dist/lib/demo/github-push');
const { parseArgs } = require('./lib/args');
const { makeTempRoot } = require('./lib/temp-root');
const { createServedRepo, gitAsync } = require('./lib/git-repo');
const { startIntegralGit, freePort, writeSettings } = require('./lib/integralgit-child');
const { signedHeaders } = require('./lib/push-body');
const { realtimeClock } = require('./lib/realtime-clock');
const { enableGitTrace, readGitTrace, commandName } = require('./lib/git-trace');
const { describeEnvironment } = require('./lib/environment');
const { median, percentile, fmt, verdict, table } = require('./lib/stats');

const USAGE = `usage: node bench/push-latency.js [options]
  --pushes <n>       measured pushes (default 20)
  --warmup <n>       unmeasured incremental pushes first (default 1)
  --backend <name>   IntegralGit's git backend: native or isomorphic (default native)
  --trace            record every git command the server runs (git trace2) and show where
                     the time between the webhook and the script goes
  --tmp-dir <dir>    where the repos and data go (default the OS temp dir)
  --keep             keep the temp dir
  --json <file>      also write the figures as JSON`;

async function main() {
  const opts = parseArgs(
    process.argv.slice(2),
    { pushes: 20, warmup: 1, backend: 'native', trace: false, tmpDir: require('node:os').tmpdir(), keep: false, json: '' },
    USAGE,
  );
  if (!['native', 'isomorphic'].includes(opts.backend)) throw new Error(`--backend must be native or isomorphic (got ${opts.backend})`);
  const root = makeTempRoot('ig-bench-latency-', { keep: opts.keep, base: opts.tmpDir });
  const environment = describeEnvironment(root);
  console.log(`environment: ${environment.text}`);
  const deployRoot = path.join(root, 'deployments');
  const location = path.join(deployRoot, 'app');
  const marker = path.join(root, 'script-starts.txt');
  fs.mkdirSync(deployRoot);
  fs.writeFileSync(marker, '');
  const repo = await createServedRepo(root, {
    files: {
      // the first thing the script does: the wall clock in nanoseconds
      'deploy.sh': `#!/bin/sh\ndate +%s%N >> '${marker}'\n`,
      'src/app.js': 'module.exports = 1;\n',
    },
    config: { configs: { base: { location, script: './deploy.sh', branch: 'master' } } },
  });
  const secret = crypto.randomBytes(24).toString('hex');
  const port = await freePort();
  const settingsFile = writeSettings(path.join(root, 'settings.json'), {
    listen: { host: '127.0.0.1', port },
    dataDir: path.join(root, 'data'),
    hostname: 'bench-host',
    allowedRoots: [deployRoot],
    git: opts.backend,
    repos: { app: { url: repo.url, secret } },
  });
  const trace = opts.trace ? enableGitTrace(root) : undefined;
  const server = await startIntegralGit({ settingsFile, port, logFile: path.join(root, 'integralgit.out'), env: trace ? trace.env : {} });
  console.log(`push-to-script-start latency: ${opts.pushes} incremental one-commit pushes (+${opts.warmup} warm-up), ${opts.backend} backend, repo over local smart HTTP`);

  const now = realtimeClock();
  let starts = 0;
  let previous = repo.head('refs/heads/master');
  const deploy = async (sha, message) => {
    const body = githubPushPayload({
      cloneUrl: repo.url,
      ref: 'refs/heads/master',
      before: previous,
      after: sha,
      commits: [{ id: sha, message, authorName: 'Bench Author', authorEmail: 'bench@example.com', timestamp: new Date().toISOString() }],
    });
    const headers = signedHeaders(body, secret, crypto.randomUUID());
    const t0 = now();
    const res = await fetch(`${server.url}/update`, { method: 'POST', body, headers });
    const answer = await res.text();
    if (res.status !== 202) throw new Error(`the webhook was answered ${res.status}: ${answer}`);
    const scriptStart = await waitForScriptStart(marker, ++starts);
    const deployment = await waitForDeployment(server.url, sha);
    previous = sha;
    return { latencyMs: Number(scriptStart - t0) / 1e6, t0, scriptStart, deployment };
  };

  // the first deployment clones; the measured ones are incremental
  await deploy(previous, 'initial commit');
  const clone = path.join(root, 'baseline-clone');
  await gitAsync(root, ['clone', '-q', repo.url, clone]);

  const rows = [];
  for (let i = 0; i < opts.warmup + opts.pushes; i++) {
    const message = `change ${i + 1}`;
    const sha = repo.commit('master', message);
    const ig = await deploy(sha, message);
    const b0 = process.hrtime.bigint();
    await gitAsync(clone, ['fetch', '-q', 'origin']);
    await gitAsync(clone, ['reset', '-q', '--hard', 'origin/master']);
    const baselineMs = Number(process.hrtime.bigint() - b0) / 1e6;
    const cloneHead = await gitAsync(clone, ['rev-parse', 'HEAD']);
    if (cloneHead !== sha) throw new Error(`the baseline clone is at ${cloneHead}, expected ${sha}`);
    if (i < opts.warmup) continue;
    rows.push({ push: rows.length + 1, sha, integralgitMs: ig.latencyMs, baselineMs, t0: ig.t0, scriptStart: ig.scriptStart, deploymentMs: ig.deployment.durationMs });
  }
  await server.stop();
  await repo.close();

  const ig = rows.map((r) => r.integralgitMs);
  const base = rows.map((r) => r.baselineMs);
  const result = {
    environment,
    backend: opts.backend,
    pushes: rows.length,
    integralgit: { medianMs: median(ig), p90Ms: percentile(ig, 90), minMs: Math.min(...ig), maxMs: Math.max(...ig) },
    baseline: { medianMs: median(base), p90Ms: percentile(base, 90), minMs: Math.min(...base), maxMs: Math.max(...base) },
  };
  result.ratio = result.integralgit.medianMs / result.baseline.medianMs;
  console.log('');
  console.log(
    table(
      ['', 'median ms', 'p90 ms', 'min ms', 'max ms'],
      [
        ['IntegralGit: webhook POST → script start', ...['medianMs', 'p90Ms', 'minMs', 'maxMs'].map((k) => fmt(result.integralgit[k], 1))],
        ['baseline: git fetch + git reset --hard', ...['medianMs', 'p90Ms', 'minMs', 'maxMs'].map((k) => fmt(result.baseline[k], 1))],
      ],
    ),
  );
  console.log('');
  console.log(`ratio of medians IntegralGit/baseline: ${fmt(result.ratio, 2)} (target <= 1.50) ${verdict(result.ratio <= 1.5)}`);
  if (trace) {
    result.gitCommands = gitBreakdown(readGitTrace(trace.target), rows);
    printBreakdown(result.gitCommands);
  }
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');
  return result;
}

/** Wait for the n-th line of the marker file: the script's own start time. */
async function waitForScriptStart(marker, n, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = fs.readFileSync(marker, 'utf8').split('\n').filter(Boolean);
    if (lines.length >= n) return BigInt(lines[n - 1].trim());
    if (Date.now() > deadline) throw new Error(`the deploy script did not start within ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** Wait until the newest deployment is of `sha` and finished (succeeded: anything else is a bug). */
async function waitForDeployment(url, sha, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${url}/api/repos/app`);
    const body = await res.json();
    const d = body.deployments && body.deployments[0];
    if (d && d.commit === sha && d.status !== 'running' && d.status !== 'queued') {
      if (d.status !== 'succeeded') throw new Error(`deployment ${d.id} of ${sha} ended ${d.status}: ${JSON.stringify(d)}`);
      return { ...d, durationMs: Date.parse(d.finishedAt) - Date.parse(d.startedAt) };
    }
    if (Date.now() > deadline) throw new Error(`no finished deployment of ${sha} within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Per git command: how many run between a webhook and its script, and their median total time. */
function gitBreakdown(commands, rows) {
  const perPush = rows.map((r) => commands.filter((c) => c.startNs >= r.t0 && c.startNs <= r.scriptStart));
  const names = [...new Set(perPush.flat().map((c) => commandName(c.argv)))];
  const lines = names.map((name) => {
    const counts = perPush.map((cs) => cs.filter((c) => commandName(c.argv) === name).length);
    const totals = perPush.map((cs) => cs.filter((c) => commandName(c.argv) === name).reduce((s, c) => s + c.ms, 0));
    return { command: name, perPush: median(counts), medianMs: median(totals) };
  });
  const inGit = perPush.map((cs) => cs.reduce((s, c) => s + c.ms, 0));
  const ms = (a, b) => Number(b - a) / 1e6;
  const phases = rows.map((r, i) => {
    const cs = perPush[i];
    if (cs.length === 0) return { beforeGit: r.integralgitMs, inGit: 0, betweenGit: 0, afterGit: 0 };
    const first = cs[0].startNs;
    const last = cs.reduce((m, c) => (c.endNs > m ? c.endNs : m), cs[0].endNs);
    return { beforeGit: ms(r.t0, first), inGit: inGit[i], betweenGit: ms(first, last) - inGit[i], afterGit: ms(last, r.scriptStart) };
  });
  return {
    commands: lines.sort((a, b) => b.medianMs - a.medianMs),
    medianGitProcesses: median(perPush.map((cs) => cs.length)),
    phases: Object.fromEntries(['beforeGit', 'inGit', 'betweenGit', 'afterGit'].map((k) => [k, median(phases.map((p) => p[k]))])),
  };
}

function printBreakdown(b) {
  const p = b.phases;
  console.log(`\nwhere IntegralGit's time goes (git trace2, medians per push; ${b.medianGitProcesses} git processes per push):`);
  console.log(`  webhook POST → first git process (ingest, queue, repo config fetch in-process): ${fmt(p.beforeGit, 1)} ms`);
  console.log(`  inside git processes: ${fmt(p.inGit, 1)} ms`);
  console.log(`  between git processes (spawning, reading their output, the server's own checks): ${fmt(p.betweenGit, 1)} ms`);
  console.log(`  last git process → script's first line (spawn, sh, date): ${fmt(p.afterGit, 1)} ms`);
  console.log(table(['git command', 'per push', 'ms per push'], b.commands.map((c) => [c.command, c.perPush, fmt(c.medianMs, 1)])));
}

module.exports = { main };

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err && err.stack ? err.stack : err);
      process.exit(1);
    },
  );
}
