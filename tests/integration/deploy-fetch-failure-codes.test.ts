import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { GitFixture, makeTempDir } from '../helpers/git-fixture';
import { settingsFromObject } from '../../lib/settings/load-settings';
import { openStore, type Store } from '../../lib/store';
import { runDeployment } from '../../lib/deploy/run-deployment';
import { DeploymentEvents } from '../../lib/deploy/events';
import { createBackend } from '../../lib/workcopy/create-backend';
import { silentLogger } from '../../lib/log/logger';

/**
 * Issue 10 item 14 (first half): when the config branch cannot be read and no config was
 * ever valid, the cause is the fetch: IG_FETCH_FAILED naming it, not IG_CONFIG_NEVER_VALID.
 */
describe('a first deployment whose config branch cannot be fetched', () => {
  let fx: GitFixture;
  let root: string;
  let store: Store | undefined;
  const token = 'right-token-123';

  beforeAll(async () => {
    fx = await GitFixture.create({ auth: { username: 'deploy', password: token } });
  });
  afterAll(async () => {
    await fx.close();
  });
  beforeEach(() => {
    root = makeTempDir('ig-fetchcode-');
    fs.mkdirSync(path.join(root, 'www'));
  });
  afterEach(() => {
    store?.close();
    store = undefined;
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function deployFrom(url: string, auth?: Record<string, string>) {
    const settings = settingsFromObject(
      { dataDir: path.join(root, 'data'), hostname: 'web1', allowedRoots: [path.join(root, 'www')], repos: { app: { url, secret: 's', ...(auth ? { auth } : {}) } } },
      { file: path.join(root, 'settings.json'), baseDir: root, env: {} },
    );
    store = openStore(settings.dataDir);
    const outcome = await runDeployment(
      { settings, store, logger: silentLogger(), backend: createBackend('native'), events: new DeploymentEvents(silentLogger()) },
      { repo: 'app', trigger: 'cli' },
    );
    return { outcome, record: store.getDeployment(outcome.deploymentId) };
  }

  it('a wrong token is IG_FETCH_FAILED with "authentication failed"', async () => {
    const repo = fx.createRepo(`app-${path.basename(root)}`);
    repo.writeConfig({ configs: { base: { location: path.join(root, 'www', 'app'), branch: 'master' } } });
    const { outcome, record } = await deployFrom(repo.url, { username: 'deploy', token: 'wrong-token' });
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'IG_FETCH_FAILED' });
    expect(record?.errorCode).toBe('IG_FETCH_FAILED');
    expect(record?.error).toMatch(/authentication failed/i);
    expect(JSON.stringify(record)).not.toContain('wrong-token');
  });

  it('an unreachable remote (closed port) is IG_FETCH_FAILED with the network cause', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const { outcome, record } = await deployFrom(`http://127.0.0.1:${closed}/app.git`);
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'IG_FETCH_FAILED' });
    expect(record?.error).toMatch(/ECONNREFUSED|connection refused/i);
  });
});
