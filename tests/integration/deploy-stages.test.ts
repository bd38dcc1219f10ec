import fs from 'node:fs';
import path from 'node:path';
import { GitFixture, FixtureRepo, makeTempDir } from '../helpers/git-fixture';
import { settingsFromObject } from '../../lib/settings/load-settings';
import type { Settings } from '../../lib/settings/types';
import { openStore, type Store } from '../../lib/store';
import { runDeployment } from '../../lib/deploy/run-deployment';
import { DeploymentEvents, type DeploymentEvent } from '../../lib/deploy/events';
import { createBackend } from '../../lib/workcopy/create-backend';
import { silentLogger } from '../../lib/log/logger';
import type { DeployRequest } from '../../lib/deploy/types';
import { setUpOutgoing } from '../../lib/outbox';
import { parseRepoConfig } from '../../lib/config/parse-repo-config';

/** runDeployment over its stages, on a real repository served over HTTP and a real SQLite file. */
describe('runDeployment: stages, recorder and events', () => {
  let fx: GitFixture;
  let root: string;
  let repo: FixtureRepo;
  let settings: Settings;
  let store: Store;
  let events: DeploymentEvents;
  let seen: DeploymentEvent[];
  const location = () => path.join(root, 'www', 'app');

  beforeAll(async () => {
    fx = await GitFixture.create();
  });
  afterAll(async () => {
    await fx.close();
  });
  beforeEach(() => {
    root = makeTempDir('ig-stages-');
    fs.mkdirSync(path.join(root, 'www'));
    repo = fx.createRepo(`app-${path.basename(root)}`, { 'index.html': 'v1\n', 'deploy.sh': '#!/bin/sh\necho "out $INTEGRALGIT_COMMIT"\necho err >&2\n' });
    repo.makeExecutable(['deploy.sh']);
    repo.writeConfig({ configs: { base: { location: location(), branch: 'master', script: './deploy.sh' } } });
    settings = settingsFromObject(
      { dataDir: path.join(root, 'data'), hostname: 'web1', allowedRoots: [path.join(root, 'www')], repos: { app: { url: repo.url, secret: 's' } } },
      { file: path.join(root, 'settings.json'), baseDir: root, env: {} },
    );
    store = openStore(settings.dataDir);
    events = new DeploymentEvents(silentLogger());
    seen = [];
    events.subscribe((e) => {
      seen.push(e);
    });
  });
  afterEach(() => {
    store.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const deploy = (req: Partial<DeployRequest> = {}) =>
    runDeployment({ settings, store, logger: silentLogger(), backend: createBackend('native'), events }, { repo: 'app', trigger: 'cli', ...req });

  it('emits queued, started, steps, output and finished with the whole outcome, in order', async () => {
    const outcome = await deploy();
    expect(outcome).toMatchObject({ status: 'succeeded', commit: repo.head(), exitCode: 0 });
    const types = seen.map((e) => e.type);
    expect(types[0]).toBe('queued');
    expect(types[1]).toBe('started');
    expect(types[types.length - 1]).toBe('finished');
    expect(types).toContain('step');
    expect(seen.filter((e) => e.type === 'output').map((e) => (e.type === 'output' ? [e.stream, e.text] : null))).toEqual(
      expect.arrayContaining([['stdout', `out ${repo.head()}\n`], ['stderr', 'err\n']]),
    );
    expect(seen[seen.length - 1]).toMatchObject({
      type: 'finished',
      deploymentId: outcome.deploymentId,
      repo: 'app',
      host: 'web1',
      branch: 'master',
      trigger: 'cli',
      status: 'succeeded',
      health: 'none',
      commit: repo.head(),
      previousCommit: null,
      errorCode: null,
      exitCode: 0,
    });
    // the live log's sequence numbers are the store's
    const seqs = seen.flatMap((e) => (e.type === 'step' || e.type === 'output' ? [e.seq] : []));
    expect(seqs).toEqual(store.getLog(outcome.deploymentId).map((c) => c.seq));
  });

  it('a subscriber that throws or rejects never breaks the deployment', async () => {
    events.subscribe(() => {
      throw new Error('boom');
    });
    events.subscribe(() => Promise.reject(new Error('async boom')));
    const outcome = await deploy();
    expect(outcome.status).toBe('succeeded');
    expect(seen[seen.length - 1]).toMatchObject({ type: 'finished', status: 'succeeded' });
  });

  it('a deployment refused for a location outside allowedRoots records the remote head it was asked to deploy', async () => {
    repo.writeConfig({ configs: { base: { location: path.join(root, 'elsewhere'), branch: 'master' } } });
    const outcome = await deploy();
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'IG_LOCATION_FORBIDDEN', commit: repo.head() });
    expect(store.getDeployment(outcome.deploymentId)).toMatchObject({ status: 'failed', commit: repo.head() });
    expect(seen[seen.length - 1]).toMatchObject({ type: 'finished', status: 'failed', commit: repo.head(), errorCode: 'IG_LOCATION_FORBIDDEN' });
  });

  it('a deployment refused for local changes records the new head, not null', async () => {
    expect((await deploy()).status).toBe('succeeded');
    fs.writeFileSync(path.join(location(), 'index.html'), 'edited on the server\n');
    const next = repo.commit({ 'index.html': 'v2\n' }, 'v2');
    const outcome = await deploy();
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'IG_WORKCOPY_DIRTY', commit: next });
    expect(store.getDeployment(outcome.deploymentId)?.steps.join('\n')).toContain(`requested commit: ${next.slice(0, 12)}`);
  });

  it('a failed rollback records its target; a config that was never valid records the pushed head as requested', async () => {
    const valid = repo.writeConfig('{ not json');
    const pushed = repo.head();
    const outcome = await deploy({ trigger: 'webhook', pushedBranch: 'master', requestedCommit: pushed });
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'IG_CONFIG_NEVER_VALID', commit: pushed });
    expect(store.getDeployment(outcome.deploymentId)?.steps.join('\n')).toContain('the head named by the push (not read from the remote)');
    expect(valid).not.toBe(pushed);
    repo.writeConfig({ configs: { base: { location: location(), branch: 'master' } } });
    const rollback = await deploy({ targetCommit: 'deadbeefdeadbeef' });
    expect(rollback).toMatchObject({ status: 'failed', commit: 'deadbeefdeadbeef' });
  });

  // issue 10 item 13: the seed README's example remote validates and deploys, on both backends
  it.each(['native', 'isomorphic'] as const)('the README example remote name validates and deploys (%s)', async (kind) => {
    const remote = "usually-origin-but-if-you're-a-special-snowflake-you-can-change-this";
    const config = { configs: { base: { location: location(), branch: 'master', remote } } };
    expect(parseRepoConfig(JSON.stringify(config)).problems).toEqual([]);
    repo.writeConfig(config);
    const outcome = await runDeployment({ settings, store, logger: silentLogger(), backend: createBackend(kind), events }, { repo: 'app', trigger: 'cli' });
    expect(outcome).toMatchObject({ status: 'succeeded', commit: repo.head() });
    expect(fs.readFileSync(path.join(location(), 'index.html'), 'utf8')).toBe('v1\n');
  });

  it('skips are terminal outcomes of the gate with their reason, and emit finished', async () => {
    const other = await deploy({ trigger: 'webhook', pushedBranch: 'feature' });
    expect(other).toMatchObject({ status: 'skipped', commit: null, reason: 'push to branch `feature`; host web1 deploys `master`' });
    const configPush = await deploy({ trigger: 'webhook', pushedBranch: 'integralgit' });
    expect(configPush.status).toBe('skipped');
    expect(fs.existsSync(location())).toBe(false);
    expect(seen.filter((e) => e.type === 'finished').map((e) => (e.type === 'finished' ? e.status : ''))).toEqual(['skipped', 'skipped']);
  });

  it('writes outgoing messages to the outbox and never waits on a target that hangs', async () => {
    let attempts = 0;
    const outbox = setUpOutgoing({
      settings,
      store,
      logger: silentLogger(),
      events,
      options: { attemptTimeoutMs: 60_000 },
      extra: [
        {
          kind: 'hangs',
          toMessages: (e) => (e.type === 'started' || e.type === 'finished' ? [{ kind: 'hangs', target: 'nowhere', event: e.type, payload: {}, deploymentId: e.deploymentId, repo: e.repo }] : undefined),
          send: () => {
            attempts++;
            return new Promise<void>(() => undefined);
          },
        },
      ],
    });
    outbox.start();
    try {
      const started = Date.now();
      const outcome = await deploy();
      expect(outcome.status).toBe('succeeded');
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(store.outboxOfDeployment(outcome.deploymentId)).toMatchObject([
        { event: 'started', status: 'pending' },
        { event: 'finished', status: 'pending', attempts: 0 },
      ]);
      expect(attempts).toBe(1);
    } finally {
      await outbox.stop();
    }
  });
});
