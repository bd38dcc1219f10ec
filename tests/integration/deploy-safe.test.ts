import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { GitFixture, FixtureRepo, makeTempDir } from '../helpers/git-fixture';
import { settingsFromObject } from '../../lib/settings/load-settings';
import type { Settings } from '../../lib/settings/types';
import { openStore, type Store } from '../../lib/store';
import { runDeployment } from '../../lib/deploy/run-deployment';
import { createBackend } from '../../lib/workcopy/create-backend';
import { silentLogger } from '../../lib/log/logger';
import type { DeployRequest } from '../../lib/deploy/types';
import { toApiDeployment } from '../../lib/history/repo-history';
import { planDeployment } from '../../lib/deploy/plan-deployment';

/**
 * SPEC §10 end to end through runDeployment: a real repository over HTTP, a real SQLite
 * file, real scripts, and a real app on 127.0.0.1 whose /health answers from the file the
 * deployed commit holds (`health.txt`: "ok" → 200, anything else → 500).
 */
// whole deployments with health checks and reverts, several per test
jest.setTimeout(240_000);

let fx: GitFixture;
let app: http.Server;
let appPort: number;
let servedFrom = '';
beforeAll(async () => {
  fx = await GitFixture.create();
  app = http.createServer((_req, res) => {
    let body = '';
    try {
      body = fs.readFileSync(path.join(servedFrom, 'health.txt'), 'utf8').trim();
    } catch {
      // not deployed yet
    }
    res.statusCode = body === 'ok' ? 200 : 500;
    res.end(body);
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  appPort = (app.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => app.close(r));
  await fx.close();
});

interface Env {
  root: string;
  repo: FixtureRepo;
  settings: Settings;
  store: Store;
  location: string;
  deploy: (req?: Partial<DeployRequest>) => ReturnType<typeof runDeployment>;
}

function setUp(backend: 'native' | 'isomorphic', layer: Record<string, unknown>, repoExtra: Record<string, unknown> = {}, signing?: (repo: FixtureRepo) => void): Env {
  const root = makeTempDir('ig-safe-');
  fs.mkdirSync(path.join(root, 'www'));
  const location = path.join(root, 'www', 'app');
  const repo = fx.createRepo(`app-${path.basename(root)}`, {});
  signing?.(repo);
  repo.commit({ 'health.txt': 'ok\n', 'index.html': 'v1\n', 'build.sh': '#!/bin/sh\necho "built $INTEGRALGIT_COMMIT in $PWD release=${INTEGRALGIT_RELEASE_DIR:-none}"\n', 'reload.sh': '#!/bin/sh\necho "$PWD" >> "$ACTIVATIONS"\n' }, 'v1');
  repo.makeExecutable(['build.sh', 'reload.sh']);
  repo.writeConfig({ configs: { base: { location, branch: 'master', script: './build.sh', env: { ACTIVATIONS: path.join(root, 'activations.log') }, ...layer } } });
  const settings = settingsFromObject(
    { dataDir: path.join(root, 'data'), hostname: 'web1', git: backend, allowedRoots: [path.join(root, 'www')], repos: { app: { url: repo.url, secret: 's', ...repoExtra } } },
    { file: path.join(root, 'settings.json'), baseDir: root, env: {} },
  );
  const store = openStore(settings.dataDir);
  const deploy = (req: Partial<DeployRequest> = {}) =>
    runDeployment({ settings, store, logger: silentLogger(), backend: createBackend(backend), lockWaitMs: 60_000 }, { repo: 'app', trigger: 'cli', ...req });
  return { root, repo, settings, store, location, deploy };
}

const envs: Env[] = [];
afterEach(() => {
  for (const e of envs.splice(0)) {
    e.store.close();
    fs.rmSync(e.root, { recursive: true, force: true });
  }
});
const make = (...args: Parameters<typeof setUp>) => {
  const e = setUp(...args);
  envs.push(e);
  return e;
};
const healthcheck = () => ({ url: `http://127.0.0.1:${appPort}/health`, timeout: 2, interval: 1 });

describe.each(['native', 'isomorphic'] as const)('in place with a health check (%s backend)', (backend) => {
  it('passes, then a bad commit fails its health check and the host is reverted and remembers it; a redelivery skips it, a trigger retries it', async () => {
    const e = make(backend, { healthcheck: healthcheck() });
    servedFrom = e.location;
    const v1 = e.repo.head();
    const first = await e.deploy();
    expect(first).toMatchObject({ status: 'succeeded', commit: v1, health: 'passed' });

    const v2 = e.repo.commit({ 'health.txt': 'broken\n', 'index.html': 'v2\n' }, 'v2 breaks /health');
    const bad = await e.deploy({ trigger: 'webhook', requestedCommit: v2 });
    expect(bad).toMatchObject({ status: 'failed', commit: v2, errorCode: 'IG_HEALTH_FAILED', health: 'failed', revertedTo: v1 });
    expect(bad.reason).toMatch(/answered 500 \(want 200\)/);
    // the working copy is back at v1, and the script ran again for it
    expect(fs.readFileSync(path.join(e.location, 'index.html'), 'utf8')).toBe('v1\n');
    const record = e.store.getDeployment(bad.deploymentId)!;
    expect(toApiDeployment(record)).toMatchObject({ status: 'failed', health: 'failed', revertedTo: v1, release: null, errorCode: 'IG_HEALTH_FAILED' });
    expect(e.store.getLog(bad.deploymentId).map((c) => c.text).join('')).toContain(`built ${v1}`);
    expect(e.store.badCommit('app', 'web1', v2)).toMatchObject({ deploymentId: bad.deploymentId });
    expect(e.store.deployedCommit('app', 'web1')?.commit).toBe(v1);

    const redelivered = await e.deploy({ trigger: 'webhook', requestedCommit: v2 });
    expect(redelivered).toMatchObject({ status: 'skipped', reason: expect.stringContaining('a redelivered push does not deploy it again') });
    expect(fs.readFileSync(path.join(e.location, 'index.html'), 'utf8')).toBe('v1\n');

    const v3 = e.repo.commit({ 'health.txt': 'ok\n', 'index.html': 'v3\n' }, 'v3 fixes it');
    expect(await e.deploy({ trigger: 'webhook', requestedCommit: v3 })).toMatchObject({ status: 'succeeded', commit: v3, health: 'passed' });
  });
});

describe('in place: revert on a failed script with revert: true and no health check', () => {
  it('goes back to the last commit that passed and records it', async () => {
    const e = make('native', { revert: true });
    const v1 = e.repo.head();
    expect(await e.deploy()).toMatchObject({ status: 'succeeded' });
    expect(e.store.getDeployment((await e.deploy()).deploymentId)).not.toHaveProperty('health');
    e.repo.commit({ 'build.sh': '#!/bin/sh\n[ -f fail-marker ] && exit 3\nexit 0\n', 'fail-marker': 'x', 'index.html': 'v2\n' }, 'v2 build fails');
    const bad = await e.deploy();
    expect(bad).toMatchObject({ status: 'failed', errorCode: 'IG_SCRIPT_FAILED', exitCode: 3, revertedTo: v1 });
    expect(fs.readFileSync(path.join(e.location, 'index.html'), 'utf8')).toBe('v1\n');
  });

  it('without revert (no health check, revert unset) a failed script leaves the copy where it is, as before', async () => {
    const e = make('native', {});
    await e.deploy();
    e.repo.commit({ 'build.sh': '#!/bin/sh\nexit 4\n', 'index.html': 'v2\n' }, 'v2 fails');
    const bad = await e.deploy();
    expect(bad).toMatchObject({ status: 'failed', errorCode: 'IG_SCRIPT_FAILED' });
    expect(bad).not.toHaveProperty('revertedTo');
    expect(fs.readFileSync(path.join(e.location, 'index.html'), 'utf8')).toBe('v2\n');
  });
});

describe('releases', () => {
  it('builds each commit in its own release, switches current, activates, and on a failed health check switches back and activates again', async () => {
    const e = make('native', { healthcheck: healthcheck(), activate: './reload.sh', releases: { keep: 2, shared: ['storage'] } });
    fs.mkdirSync(path.join(e.location, 'shared', 'storage'), { recursive: true });
    servedFrom = path.join(e.location, 'current');
    const v1 = e.repo.head();
    const first = await e.deploy();
    expect(first).toMatchObject({ status: 'succeeded', commit: v1, health: 'passed', release: expect.stringMatching(new RegExp(`^\\d{14}-${v1.slice(0, 12)}$`)) });
    const r1 = first.release!;
    expect(fs.readlinkSync(path.join(e.location, 'current'))).toBe(`releases/${r1}`);
    const log1 = e.store.getLog(first.deploymentId).map((c) => c.text).join('');
    expect(log1).toContain(`in ${path.join(e.location, 'releases', r1)} release=${path.join(e.location, 'releases', r1)}`);
    expect(fs.readlinkSync(path.join(e.location, 'releases', r1, 'storage'))).toBe('../../shared/storage');

    e.repo.commit({ 'health.txt': 'broken\n' }, 'v2 breaks /health');
    const bad = await e.deploy();
    expect(bad).toMatchObject({ status: 'failed', errorCode: 'IG_HEALTH_FAILED', health: 'failed', revertedTo: v1 });
    expect(bad.release).not.toBe(r1);
    expect(fs.readlinkSync(path.join(e.location, 'current'))).toBe(`releases/${r1}`);
    // activate ran for r1, for the bad release, and again for r1 on the way back
    const activations = fs.readFileSync(path.join(e.root, 'activations.log'), 'utf8').trim().split('\n');
    expect(activations.map((d) => path.basename(d))).toEqual([r1, bad.release, r1]);

    // cleanup (keep 2) after more good releases never removes the one that passed last
    for (let i = 3; i <= 5; i++) {
      e.repo.commit({ 'health.txt': 'ok\n', 'index.html': `v${i}\n` }, `v${i}`);
      expect(await e.deploy()).toMatchObject({ status: 'succeeded' });
    }
    expect(fs.readdirSync(path.join(e.location, 'releases'))).toHaveLength(2);
  });

  it('trigger --dry-run plans a release (the location is not a working copy) and changes nothing', async () => {
    const e = make('native', { releases: { shared: ['storage'] }, activate: './reload.sh' });
    const before = await planDeployment({ settings: e.settings, store: e.store, backend: createBackend('native') }, { repo: 'app' });
    expect(before.sync).toMatchObject({ action: 'update', previousCommit: null, commit: e.repo.head() });
    expect(before.sync!.steps.join('\n')).toMatch(/releases\/<yyyymmddHHMMSS>-[0-9a-f]{12}, link storage from .*\/shared[\s\S]*switch .*current[\s\S]*activate \.\/reload\.sh/);
    expect(fs.existsSync(e.location)).toBe(false);
  });

  it('a failed build never touches current', async () => {
    const e = make('native', { releases: {}, revert: true });
    const first = await e.deploy();
    e.repo.commit({ 'build.sh': '#!/bin/sh\nexit 9\n' }, 'build fails');
    const bad = await e.deploy();
    expect(bad).toMatchObject({ status: 'failed', errorCode: 'IG_SCRIPT_FAILED' });
    expect(fs.readlinkSync(path.join(e.location, 'current'))).toBe(`releases/${first.release}`);
  });
});

describe('refusals that change nothing on disk', () => {
  it('a healthcheck url outside loopback and healthcheckHosts', async () => {
    const e = make('native', { healthcheck: { url: 'http://169.254.169.254/latest' } });
    const out = await e.deploy();
    expect(out).toMatchObject({ status: 'failed', errorCode: 'IG_HEALTHCHECK_FORBIDDEN' });
    expect(fs.existsSync(e.location)).toBe(false);
  });

  it('requireSignedCommits: an unsigned head is refused; signed head and config deploy', async () => {
    const keys = makeTempDir('ig-keys-');
    const key = path.join(keys, 'id');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'alice', '-f', key]);
    fs.writeFileSync(path.join(keys, 'allowed_signers'), `alice@example.com ${fs.readFileSync(`${key}.pub`, 'utf8')}`);
    const sign = (r: FixtureRepo) => {
      r.git(['config', 'gpg.format', 'ssh']);
      r.git(['config', 'user.signingkey', key]);
      r.git(['config', 'commit.gpgsign', 'true']);
    };
    const e = make('native', {}, { requireSignedCommits: { allowedSignersFile: path.join(keys, 'allowed_signers') } }, sign);
    const signed = await e.deploy();
    // commit-tree (writeConfig) does not sign by itself: the config branch head is unsigned
    expect(signed).toMatchObject({ status: 'failed', errorCode: 'IG_COMMIT_UNTRUSTED', reason: expect.stringContaining('the config branch head') });
    expect(fs.existsSync(e.location)).toBe(false);
    const tree = e.repo.git(['rev-parse', 'refs/heads/integralgit^{tree}']);
    const signedConfig = e.repo.git(['commit-tree', '-S', tree, '-p', 'refs/heads/integralgit', '-m', 'signed config']);
    e.repo.git(['push', '-q', '-f', 'origin', `${signedConfig}:refs/heads/integralgit`]);
    expect(await e.deploy()).toMatchObject({ status: 'succeeded' });

    e.repo.git(['config', 'commit.gpgsign', 'false']);
    const unsigned = e.repo.commit({ 'index.html': 'unsigned\n' }, 'unsigned');
    const out = await e.deploy();
    expect(out).toMatchObject({ status: 'failed', errorCode: 'IG_COMMIT_UNTRUSTED', commit: unsigned });
    expect(fs.readFileSync(path.join(e.location, 'index.html'), 'utf8')).toBe('v1\n');
    fs.rmSync(keys, { recursive: true, force: true });
  });

  it('refuseNonFastForward: a force-pushed head is refused until trigger --allow-rewind', async () => {
    const e = make('native', {}, { refuseNonFastForward: true });
    await e.deploy();
    const v1 = e.repo.commit({ 'index.html': 'v1\n', 'more.txt': 'x' }, 'fast-forward');
    expect(await e.deploy()).toMatchObject({ status: 'succeeded', commit: v1 });
    e.repo.git(['reset', '-q', '--hard', 'HEAD~1']);
    const rewritten = e.repo.commit({ 'index.html': 'rewritten\n' }, 'rewritten history');
    const out = await e.deploy();
    expect(out).toMatchObject({ status: 'failed', errorCode: 'IG_REWIND_REFUSED', reason: expect.stringContaining('--allow-rewind') });
    expect(e.store.deployedCommit('app', 'web1')?.commit).toBe(v1);
    expect(fs.readFileSync(path.join(e.location, 'index.html'), 'utf8')).toBe('v1\n');
    expect(await e.deploy({ allowRewind: true })).toMatchObject({ status: 'succeeded', commit: rewritten });
  });
});
