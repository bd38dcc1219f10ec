import fs from 'node:fs';
import path from 'node:path';
import { GitFixture, makeTempDir, git } from '../helpers/git-fixture';
import { SSHD_MISSING, startSshd, TestSshd } from '../helpers/sshd';
import { settingsFromObject } from '../../lib/settings/load-settings';
import { openStore } from '../../lib/store';
import { runDeployment } from '../../lib/deploy/run-deployment';
import { createBackend } from '../../lib/workcopy/create-backend';
import { silentLogger } from '../../lib/log/logger';

/** A whole deployment of an SSH remote: the config branch and the working copy over SSH with a deploy key. */
const describeSsh = SSHD_MISSING ? describe.skip : describe;
if (SSHD_MISSING) console.warn(`skipping the SSH deployment test: ${SSHD_MISSING}`);

describeSsh('deploying an SSH remote end to end', () => {
  let sshd: TestSshd;
  let fx: GitFixture;
  let root: string;
  beforeAll(async () => {
    sshd = await startSshd();
    fx = await GitFixture.create();
    root = makeTempDir('ig-deploy-ssh-');
  });
  afterAll(async () => {
    await sshd?.stop();
    await fx?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('reads the config branch and deploys over SSH with sshKeyFile and knownHostsFile', async () => {
    const location = path.join(root, 'www', 'app');
    fs.mkdirSync(path.dirname(location), { recursive: true });
    const repo = fx.createRepo('ssh-app', { 'index.html': 'over ssh\n' });
    repo.writeConfig({ configs: { base: { location, branch: 'master' } } });
    const settings = settingsFromObject(
      {
        dataDir: path.join(root, 'data'),
        hostname: 'web1',
        git: 'native',
        allowedRoots: [path.join(root, 'www')],
        repos: { app: { url: sshd.url(repo.bare), secret: 's', sshKeyFile: sshd.userKey, knownHostsFile: sshd.knownHosts } },
      },
      { file: path.join(root, 'settings.json'), baseDir: root, env: {} },
    );
    const store = openStore(settings.dataDir);
    try {
      const outcome = await runDeployment({ settings, store, logger: silentLogger(), backend: createBackend('native') }, { repo: 'app', trigger: 'cli' });
      expect(outcome).toMatchObject({ status: 'succeeded', commit: repo.head() });
      expect(git(location, ['rev-parse', 'HEAD'])).toBe(repo.head());
      expect(store.lastValidConfig('app')?.config?.configs.base.location).toBe(location);
    } finally {
      store.close();
    }
  });
});
