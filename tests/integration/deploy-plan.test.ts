import path from 'node:path';
import { GitFixture, FixtureRepo } from '../helpers/git-fixture';
import { useTempStore } from '../helpers/temp-store';
import { settingsFromObject } from '../../lib/settings/load-settings';
import type { Settings } from '../../lib/settings/types';
import type { Store } from '../../lib/store';
import { planDeployment } from '../../lib/deploy/plan-deployment';
import { createBackend } from '../../lib/workcopy/create-backend';
import { parseRepoConfig } from '../../lib/config/parse-repo-config';

/**
 * `trigger --dry-run` when the config branch cannot give a valid config: which config the
 * plan falls back to, and the error that says why when there is none. A real repository
 * served over HTTP, a real SQLite store.
 */
describe('planDeployment: the config a dry run plans with', () => {
  let fx: GitFixture;
  let repo: FixtureRepo;
  let store: Store;
  let dir: string;
  let settings: Settings;
  const tempStore = useTempStore('ig-plan-');

  beforeAll(async () => {
    fx = await GitFixture.create();
  });
  afterAll(async () => {
    await fx.close();
  });
  beforeEach(() => {
    ({ store, dir } = tempStore());
    repo = fx.createRepo(`app-${path.basename(dir)}`);
    settings = settingsFromObject(
      { dataDir: path.join(dir, 'data'), hostname: 'web1', allowedRoots: [path.join(dir, 'www')], repos: { app: { url: repo.url, secret: 's' } } },
      { file: path.join(dir, 'settings.json'), baseDir: dir, env: {} },
    );
  });
  afterEach(() => store.close());

  const plan = (req: { noFetch?: boolean } = {}, s: Settings = settings) => planDeployment({ settings: s, store, backend: createBackend('native') }, { repo: 'app', ...req });
  // no `location`: the plan ends at the config (nothing to sync), which is what is tested here
  const storeValid = (commit: string) => {
    const raw = JSON.stringify({ configs: { base: { branch: 'stored' } } });
    store.recordConfigVersion({ repo: 'app', commit, raw, valid: true, errors: [], fetchedAt: new Date().toISOString(), config: parseRepoConfig(raw).config });
  };

  it('an invalid config on the branch and none stored: IG_CONFIG_NEVER_VALID naming the invalid commit', async () => {
    const bad = repo.writeConfig('{ "configs": ');
    await expect(plan()).rejects.toMatchObject({ code: 'IG_CONFIG_NEVER_VALID', message: `no valid repo config for \`app\`: config ${bad.slice(0, 12)} is invalid` });
  });

  it('an invalid config on the branch: the plan uses the stored one and says which was invalid', async () => {
    const bad = repo.writeConfig('{ "configs": ');
    storeValid('c'.repeat(40));
    const p = await plan();
    expect(p.config).toMatchObject({ commit: 'c'.repeat(40), source: 'stored', latestInvalid: { commit: bad } });
    expect(p.config.latestInvalid?.problems.length).toBeGreaterThan(0);
    expect(p.effective.config.branch).toBe('stored');
  });

  it('--no-fetch plans with the stored config, and without one says nothing was fetched', async () => {
    await expect(plan({ noFetch: true })).rejects.toMatchObject({ code: 'IG_CONFIG_NEVER_VALID', message: 'no valid repo config for `app`: nothing fetched (--no-fetch)' });
    storeValid('d'.repeat(40));
    expect((await plan({ noFetch: true })).config).toEqual({ commit: 'd'.repeat(40), source: 'stored' });
  });

  it('an unreachable remote: the fetch error itself when nothing is stored, the stored config when one is', async () => {
    const gone = settingsFromObject(
      { dataDir: path.join(dir, 'data'), hostname: 'web1', allowedRoots: [path.join(dir, 'www')], repos: { app: { url: 'http://127.0.0.1:9/nothing.git', secret: 's' } } },
      { file: path.join(dir, 'settings.json'), baseDir: dir, env: {} },
    );
    await expect(plan({}, gone)).rejects.toMatchObject({ code: 'IG_FETCH_FAILED' });
    storeValid('e'.repeat(40));
    const p = await plan({}, gone);
    expect(p.config).toMatchObject({ commit: 'e'.repeat(40), source: 'stored', fetchError: expect.any(String) });
  });

  it('a host with no `location` is planned as skipped, with the reason', async () => {
    repo.writeConfig({ configs: { base: { branch: 'master' } } });
    const p = await plan();
    expect(p.skipReason).toBe('host web1 has no `location` in its effective config: it is not deployed');
    expect(p.sync).toBeUndefined();
  });
});
