'use strict';
/*
 * Push-to-script-start latency of an incremental deployment of one commit: a real repo
 * served over local smart HTTP, `integralgit serve` in its own process with the repo's
 * working copy already deployed, then N pushes one after another. For each: commit, push
 * to the bare repo, POST the signed GitHub webhook, and take the time from just before the
 * POST to the first line of the deploy script (`date +%s%N`, the script's own clock).
 * Baseline, same run, after each deployment: `git fetch && git reset --hard && ./deploy.sh`
 * in a separate clone of the same URL, timed to the same first line of the script. Peer,
 * same run, when Debian's `webhook` (adnanh/webhook) is installed: the same signed POST to
 * a hook that checks X-Hub-Signature-256 and runs those same commands in a third clone.
 * Each push yields one ratio per comparison; the figure is the median of those ratios.
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
const { residentMb } = require('./lib/resident-memory');
const { enableGitTrace, readGitTrace, readGitChildren, commandName } = require('./lib/git-trace');
const { describeEnvironment } = require('./lib/environment');
const { median, percentile, fmt, verdict, table } = require('./lib/stats');
const { spawn, spawnSync } = require('node:child_process');

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
      // BENCH_MARKER: the baseline and the webhook peer write to their own file
      'deploy.sh': `#!/bin/sh\ndate +%s%N >> "\${BENCH_MARKER:-${marker}}"\n`,
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
  // the baseline's git processes traced the same way, into their own file
  const baselineTrace = opts.trace ? enableGitTrace(path.join(root, 'baseline-trace')) : undefined;
  const phaseTrace = path.join(root, 'phases.jsonl');
  const serverEnv = trace ? { ...trace.env, INTEGRALGIT_PHASE_TRACE: phaseTrace } : {};
  const server = await startIntegralGit({ settingsFile, port, logFile: path.join(root, 'integralgit.out'), env: serverEnv });
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
    const answered = now();
    const answer = await res.text();
    if (res.status !== 202) throw new Error(`the webhook was answered ${res.status}: ${answer}`);
    const scriptStart = await waitForScriptStart(marker, ++starts);
    const deployment = await waitForDeployment(server.url, sha);
    previous = sha;
    return { latencyMs: Number(scriptStart - t0) / 1e6, t0, answered, scriptStart, deployment };
  };

  // the first deployment clones; the measured ones are incremental
  await deploy(previous, 'initial commit');
  const clone = path.join(root, 'baseline-clone');
  await gitAsync(root, ['clone', '-q', repo.url, clone]);
  const baselineMarker = path.join(root, 'baseline-starts.txt');
  fs.writeFileSync(baselineMarker, '');
  const plainCommands = 'git fetch -q origin && git reset -q --hard origin/master && exec ./deploy.sh';
  const peer = await startWebhookPeer(root, repo.url, secret);
  let peerStarts = 0;

  const rows = [];
  for (let i = 0; i < opts.warmup + opts.pushes; i++) {
    const message = `change ${i + 1}`;
    const sha = repo.commit('master', message);
    const ig = await deploy(sha, message);
    const b0 = now();
    await runShell(clone, plainCommands, { BENCH_MARKER: baselineMarker, ...(baselineTrace ? baselineTrace.env : {}) });
    const baselineStart = await waitForScriptStart(baselineMarker, i + 1);
    const baselineMs = Number(baselineStart - b0) / 1e6;
    const cloneHead = await gitAsync(clone, ['rev-parse', 'HEAD']);
    if (cloneHead !== sha) throw new Error(`the baseline clone is at ${cloneHead}, expected ${sha}`);
    let webhookMs;
    if (peer) {
      const body = githubPushPayload({ cloneUrl: repo.url, ref: 'refs/heads/master', before: previous, after: sha, commits: [] });
      const w0 = now();
      const res = await fetch(peer.url, { method: 'POST', body, headers: signedHeaders(body, secret, crypto.randomUUID()) });
      await res.text();
      if (res.status !== 200) throw new Error(`adnanh/webhook answered ${res.status}`);
      webhookMs = Number((await waitForScriptStart(peer.marker, ++peerStarts)) - w0) / 1e6;
    }
    if (i < opts.warmup) continue;
    rows.push({ push: rows.length + 1, sha, integralgitMs: ig.latencyMs, baselineMs, webhookMs, t0: ig.t0, answered: ig.answered, scriptStart: ig.scriptStart, b0, baselineStart, deploymentMs: ig.deployment.durationMs });
  }
  // the server's size after the deployments: what a spawn from it forks (bench/spawn-round-trip.js --rss-mb)
  const serverRssMb = residentMb(server.pid);
  await server.stop();
  if (peer) peer.stop();
  await repo.close();

  const ig = rows.map((r) => r.integralgitMs);
  const base = rows.map((r) => r.baselineMs);
  const result = {
    environment,
    backend: opts.backend,
    pushes: rows.length,
    serverRssMb,
    integralgit: { medianMs: median(ig), p90Ms: percentile(ig, 90), minMs: Math.min(...ig), maxMs: Math.max(...ig) },
    baseline: { medianMs: median(base), p90Ms: percentile(base, 90), minMs: Math.min(...base), maxMs: Math.max(...base) },
  };
  result.ratio = result.integralgit.medianMs / result.baseline.medianMs;
  // issue 16's figure: the median of the per-push ratios (each push measured back to back)
  result.medianOfRatios = median(rows.map((r) => r.integralgitMs / r.baselineMs));
  const peerMs = rows.map((r) => r.webhookMs).filter((v) => v !== undefined);
  if (peerMs.length) {
    result.webhook = { medianMs: median(peerMs), p90Ms: percentile(peerMs, 90), minMs: Math.min(...peerMs), maxMs: Math.max(...peerMs) };
    result.medianOfRatiosToWebhook = median(rows.map((r) => r.integralgitMs / r.webhookMs));
  }
  console.log('');
  console.log(
    table(
      ['', 'median ms', 'p90 ms', 'min ms', 'max ms'],
      [
        ['IntegralGit: webhook POST → script start', ...['medianMs', 'p90Ms', 'minMs', 'maxMs'].map((k) => fmt(result.integralgit[k], 1))],
        ['baseline: git fetch && git reset --hard && ./deploy.sh', ...['medianMs', 'p90Ms', 'minMs', 'maxMs'].map((k) => fmt(result.baseline[k], 1))],
        result.webhook
          ? ['peer: adnanh/webhook running the same commands', ...['medianMs', 'p90Ms', 'minMs', 'maxMs'].map((k) => fmt(result.webhook[k], 1))]
          : ['peer: adnanh/webhook', 'not installed (apt-get install webhook)', '', '', ''],
      ],
    ),
  );
  console.log('');
  if (serverRssMb !== undefined) console.log(`server resident size after the pushes: ${fmt(serverRssMb, 0)} MB`);
  console.log(`ratio of medians IntegralGit/baseline: ${fmt(result.ratio, 2)} (target <= 1.50) ${verdict(result.ratio <= 1.5)}`);
  console.log(`median of per-push ratios IntegralGit/baseline: ${fmt(result.medianOfRatios, 2)} (issue 16 goal <= 1.20) ${verdict(result.medianOfRatios <= 1.2)}`);
  if (result.webhook) console.log(`median of per-push ratios IntegralGit/adnanh-webhook: ${fmt(result.medianOfRatiosToWebhook, 2)}`);
  if (trace) {
    result.gitCommands = gitBreakdown(readGitTrace(trace.target), rows);
    printBreakdown(result.gitCommands);
    result.phases = {
      integralgit: phaseTable(rows, (r) => [r.t0, r.scriptStart], (r) => [
        { label: '202 answered', ns: r.answered },
        ...readPhases(phaseTrace).filter((p) => p.ns >= r.t0 && p.ns <= r.scriptStart),
        ...gitEvents(readGitTrace(trace.target), readGitChildren(trace.target), r.t0, r.scriptStart),
      ]),
      baseline: phaseTable(rows, (r) => [r.b0, r.baselineStart], (r) =>
        gitEvents(readGitTrace(baselineTrace.target), readGitChildren(baselineTrace.target), r.b0, r.baselineStart),
      ),
    };
    printPhases('IntegralGit: webhook POST → script first line', result.phases.integralgit);
    printPhases('baseline: sh -c "git fetch && git reset --hard && ./deploy.sh" → script first line', result.phases.baseline);
  }
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');
  return result;
}

/** `sh -c` in a directory; resolves when it exits 0. */
function runShell(cwd, command, env) {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${err}`))));
  });
}

/**
 * adnanh/webhook (Debian package `webhook`) as the peer: one hook that checks the same
 * X-Hub-Signature-256 and runs fetch + reset + ./deploy.sh in its own clone. Undefined
 * when the binary is not installed.
 */
async function startWebhookPeer(root, url, secret) {
  if (spawnSync('webhook', ['-version']).error) return undefined;
  const dir = path.join(root, 'webhook-peer');
  const clone = path.join(dir, 'clone');
  fs.mkdirSync(dir);
  await gitAsync(root, ['clone', '-q', url, clone]);
  const marker = path.join(dir, 'starts.txt');
  fs.writeFileSync(marker, '');
  const script = path.join(dir, 'run.sh');
  fs.writeFileSync(script, `#!/bin/sh\ncd '${clone}' && git fetch -q origin && git reset -q --hard origin/master && BENCH_MARKER='${marker}' exec ./deploy.sh\n`, { mode: 0o755 });
  const hooks = path.join(dir, 'hooks.json');
  fs.writeFileSync(
    hooks,
    JSON.stringify([
      {
        id: 'deploy',
        'execute-command': script,
        'command-working-directory': clone,
        'trigger-rule': { match: { type: 'payload-hmac-sha256', secret, parameter: { source: 'header', name: 'X-Hub-Signature-256' } } },
      },
    ]),
  );
  const port = await freePort();
  const child = spawn('webhook', ['-hooks', hooks, '-ip', '127.0.0.1', '-port', String(port)], { stdio: 'ignore' });
  require('./lib/temp-root').onCleanup(() => child.exitCode === null && child.kill('SIGKILL'));
  const hookUrl = `http://127.0.0.1:${port}/hooks/deploy`;
  for (let i = 0; ; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      break;
    } catch (err) {
      if (i > 100) throw new Error(`adnanh/webhook did not start: ${err.message}`, { cause: err });
      await sleep(50);
    }
  }
  return { url: hookUrl, marker, stop: () => child.kill('SIGTERM') };
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
  // the wait before each git process: from the end of every one started before it (0 when they overlap)
  const gapsByLabel = new Map();
  perPush.forEach((cs, i) => {
    let lastEnd = rows[i].t0;
    let lastName = 'webhook POST';
    for (const c of [...cs, { startNs: rows[i].scriptStart, endNs: rows[i].scriptStart, argv: ['git', 'script'] }]) {
      const name = c.argv[1] === 'script' ? 'script' : commandName(c.argv);
      const label = `${lastName} → ${name}`;
      if (!gapsByLabel.has(label)) gapsByLabel.set(label, []);
      gapsByLabel.get(label).push(Math.max(0, ms(lastEnd, c.startNs)));
      if (c.endNs > lastEnd) {
        lastEnd = c.endNs;
        lastName = name;
      }
    }
  });
  return {
    gaps: [...gapsByLabel].map(([label, v]) => ({ label, pushes: v.length, medianMs: median(v) })),
    commands: lines.sort((a, b) => b.medianMs - a.medianMs),
    medianGitProcesses: median(perPush.map((cs) => cs.length)),
    phases: Object.fromEntries(['beforeGit', 'inGit', 'betweenGit', 'afterGit'].map((k) => [k, median(phases.map((p) => p[k]))])),
  };
}

/** The server's own phase marks (INTEGRALGIT_PHASE_TRACE, lib/trace/phase-trace.ts) as { label, ns }. */
function readPhases(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .map((p) => ({ label: p.phase, ns: BigInt(p.ns) }));
}

/** Start and end of every git process (and the fetch's own children) within [from, to], as { label, ns }. */
function gitEvents(commands, children, from, to) {
  const out = [];
  for (const c of commands) {
    if (c.startNs < from || c.startNs > to) continue;
    out.push({ label: `${commandName(c.argv)} spawned`, ns: c.startNs }, { label: `${commandName(c.argv)} exited`, ns: c.endNs });
  }
  for (const c of children) {
    if (c.startNs < from || c.startNs > to) continue;
    out.push({ label: `  (child) ${commandName(c.argv)} started`, ns: c.startNs }, { label: `  (child) ${commandName(c.argv)} exited`, ns: c.endNs });
  }
  return out;
}

/**
 * Per push, the events between its start and the script's first line in time order; per
 * label, the median time since the start over the pushes that had it, and the median step
 * from the event before it. Labels are ordered by that median.
 */
function phaseTable(rows, span, events) {
  const byLabel = new Map();
  for (const r of rows) {
    const [from, to] = span(r);
    const evs = [...events(r), { label: "script's first line", ns: to }].sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
    let prev = from;
    const seen = new Set();
    for (const e of evs) {
      if (seen.has(e.label)) continue; // a label twice in one push (two fetches): its first
      seen.add(e.label);
      if (!byLabel.has(e.label)) byLabel.set(e.label, { at: [], step: [] });
      byLabel.get(e.label).at.push(Number(e.ns - from) / 1e6);
      byLabel.get(e.label).step.push(Number(e.ns - prev) / 1e6);
      prev = e.ns;
    }
  }
  return [...byLabel]
    .map(([label, v]) => ({ label, pushes: v.at.length, atMs: median(v.at), stepMs: median(v.step) }))
    .sort((a, b) => a.atMs - b.atMs);
}

function printPhases(title, phases) {
  console.log(`\n${title} (medians per push; 'step' is from the event before it in the same push):`);
  console.log(table(['event', 'pushes', 'at ms', 'step ms'], phases.map((p) => [p.label, p.pushes, fmt(p.atMs, 1), fmt(p.stepMs, 1)])));
}

function printBreakdown(b) {
  const p = b.phases;
  console.log(`\nwhere IntegralGit's time goes (git trace2, medians per push; ${b.medianGitProcesses} git processes per push):`);
  console.log(`  webhook POST → first git process (ingest, queue, repo config fetch in-process): ${fmt(p.beforeGit, 1)} ms`);
  console.log(`  inside git processes: ${fmt(p.inGit, 1)} ms`);
  console.log(`  between git processes (spawning, reading their output, the server's own checks): ${fmt(p.betweenGit, 1)} ms`);
  console.log(`  last git process → script's first line (spawn, sh, date): ${fmt(p.afterGit, 1)} ms`);
  console.log(table(['git command', 'per push', 'ms per push'], b.commands.map((c) => [c.command, c.perPush, fmt(c.medianMs, 1)])));
  console.log('\nwaits before each git process and the script (from the end of the latest one to end before it; medians):');
  console.log(table(['from → to', 'pushes', 'median ms'], b.gaps.map((g) => [g.label, g.pushes, fmt(g.medianMs, 1)])));
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
