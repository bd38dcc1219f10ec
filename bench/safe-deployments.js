#!/usr/bin/env node
'use strict';
/**
 * Safe deployments (SPEC §10, issue 14): what releases cost next to an in-place working copy.
 *
 *  - switch: time to point `current` at another release (symlink + rename + dir fsync), N times
 *  - revert: from the instant a health check is declared failed to the previous release
 *    answering again through a reader that resolves `current` (the switch back + the first read)
 *  - deploy cost: one-commit deployments on the 2,000- and 20,000-file benchmark repositories
 *    (bench/backends-lib/generate-repo.js), served over local smart HTTP: in place with the
 *    native backend (`sync`) vs a release (cache fetch + `git worktree add` + switch)
 *  - disk: 5 kept releases + their shared cache vs one working copy (du, KiB)
 *
 * node bench/safe-deployments.js [--deploys 5] [--switches 300] [--tmp-dir D] [--small-only]
 * Needs `npm run build` first (it loads dist/).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { generateRepo, commitMaker } = require('./backends-lib/generate-repo');
const { startGitServer } = require('./backends-lib/start-server');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const DEPLOYS = Number(opt('deploys', 5));
const SWITCHES = Number(opt('switches', 300));
const DIST = path.join(__dirname, '..', 'dist', 'lib');
const need = (p) => {
  try {
    return require(path.join(DIST, p));
  } catch (err) {
    console.error(`cannot load dist/lib/${p}: run \`npm run build\` first (${err.message})`);
    process.exit(1);
  }
};
const { createBackend } = need('workcopy/create-backend');
const { releaseLayout } = need('releases/release-layout');
const { fetchReleaseCache } = need('releases/fetch-release-cache');
const { prepareRelease } = need('releases/prepare-release');
const { switchCurrent } = need('releases/switch-current');
const { cleanupReleases } = need('releases/cleanup-releases');

const REPOS = [
  { key: 'small', files: 2000, commits: 20 },
  { key: 'large', files: 20000, commits: 20 },
].slice(0, args.includes('--small-only') ? 1 : 2);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const du = (...dirs) => Number(execFileSync('du', ['-skc', ...dirs], { encoding: 'utf8' }).trim().split('\n').pop().split('\t')[0]);
const log = (s) => console.log(s);

async function main() {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(opt('tmp-dir', os.tmpdir()), 'integralgit-bench-safe-')));
  const stop = [];
  const cleanup = () => {
    for (const f of stop.splice(0)) f();
    fs.rmSync(root, { recursive: true, force: true });
  };
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    log(`cores ${os.cpus().length}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, tmp ${root}`);
    const srv = path.join(root, 'srv');
    const www = path.join(root, 'www');
    fs.mkdirSync(www, { recursive: true });
    for (const r of REPOS) generateRepo(path.join(srv, `${r.key}.git`), { files: r.files, commits: r.commits, seed: r.key === 'small' ? 1 : 2 });
    const server = await startGitServer(srv);
    stop.push(() => server.child.kill('SIGKILL'));
    const native = createBackend('native');
    const results = {};

    for (const r of REPOS) {
      const repo = { name: `bench-${r.key}`, url: `${server.url}/${r.key}.git`, insecure: true, pollInterval: 0, secretEnvNames: [] };
      const inPlace = path.join(www, `${r.key}-inplace`);
      const layout = releaseLayout(path.join(www, `${r.key}-releases`));
      fs.mkdirSync(layout.location, { recursive: true });
      const release = async () => {
        const commit = await fetchReleaseCache({ repo, cache: layout.cache, branch: 'master' });
        const rel = await prepareRelease({ layout, commit });
        await switchCurrent(layout, rel.name);
        await cleanupReleases(layout, 5, [rel.name]);
        return commit;
      };
      const sync = () => native.sync({ repo, location: inPlace, branch: 'master', remote: 'origin', allowedRoots: [www] });
      let t = performance.now();
      await sync();
      const firstInPlace = performance.now() - t;
      t = performance.now();
      await release();
      const firstRelease = performance.now() - t;
      const addCommit = commitMaker(path.join(srv, `${r.key}.git`), path.join(root, 'scratch', r.key), { files: r.files, seed: 5 });
      const ip = [];
      const rl = [];
      for (let i = 0; i < DEPLOYS; i++) {
        const want = addCommit();
        // alternate who goes first, so neither always finds the other's pages in the cache
        const order = i % 2 === 0 ? ['in place', 'release'] : ['release', 'in place'];
        for (const who of order) {
          const t0 = performance.now();
          const got = who === 'in place' ? (await sync()).commit : await release();
          if (got !== want) throw new Error(`${who} deployed ${got}, expected ${want}`);
          (who === 'in place' ? ip : rl).push(performance.now() - t0);
        }
      }
      const diskReleases = du(layout.releases, layout.cache);
      const diskCopy = du(inPlace);
      results[r.key] = { files: r.files, firstInPlace, firstRelease, inPlaceMs: median(ip), releaseMs: median(rl), ratio: median(rl) / median(ip), diskReleases, diskCopy, kept: fs.readdirSync(layout.releases).length };
      log(`${r.key} (${r.files} files): first deploy in place ${firstInPlace.toFixed(0)} ms, release ${firstRelease.toFixed(0)} ms; ` +
        `one-commit deploy median in place ${median(ip).toFixed(0)} ms, release ${median(rl).toFixed(0)} ms (×${(median(rl) / median(ip)).toFixed(2)}); ` +
        `disk ${results[r.key].kept} releases + cache ${(diskReleases / 1024).toFixed(1)} MiB vs one working copy ${(diskCopy / 1024).toFixed(1)} MiB (×${(diskReleases / diskCopy).toFixed(2)})`);

      if (r.key === 'small') {
        const names = fs.readdirSync(layout.releases).sort();
        const [a, b] = names.slice(-2);
        const sw = [];
        for (let i = 0; i < SWITCHES; i++) sw.push((await switchCurrent(layout, i % 2 === 0 ? a : b)).ms);
        results.switch = { p50: pct(sw, 50), p99: pct(sw, 99), n: SWITCHES };
        log(`switch current: p50 ${pct(sw, 50).toFixed(2)} ms, p99 ${pct(sw, 99).toFixed(2)} ms over ${SWITCHES}`);
        // revert: new release in, "health failed", switch back; a reader resolving current sees the old one again
        await switchCurrent(layout, b);
        const marker = (n) => fs.readlinkSync(path.join(layout.current)).endsWith(n);
        const rv = [];
        for (let i = 0; i < 50; i++) {
          await switchCurrent(layout, b);
          const failedAt = performance.now();
          await switchCurrent(layout, a);
          while (!marker(a) || !fs.existsSync(path.join(layout.current, 'README.md'))) {
            // the reader: resolve current and read a file through it
          }
          rv.push(performance.now() - failedAt);
        }
        results.revert = { p50: pct(rv, 50), p99: pct(rv, 99) };
        log(`failed health check → previous release serving (switch back + a read through current, activate not counted): p50 ${pct(rv, 50).toFixed(2)} ms, p99 ${pct(rv, 99).toFixed(2)} ms`);
      }
    }
    if (opt('json')) fs.writeFileSync(opt('json'), JSON.stringify(results, null, 2));
  } finally {
    cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
