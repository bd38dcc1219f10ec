import fs from 'node:fs';
import { GitFixture, makeTempDir } from '../helpers/git-fixture';
import { effectiveConfigFor, loadRepoConfig } from '../../lib/config/load-repo-config';
import { openStore, type Store } from '../../lib/store';
import type { RepoSettings } from '../../lib/settings/types';

const VALID = { hostgroups: { web: ['web1'] }, configs: { base: { location: '/srv/www/app', env: { A: '1' } }, web: { env: { B: '2' } } } };

describe('loadRepoConfig with the SQLite store', () => {
  let fx: GitFixture;
  let dataDir: string;
  let store: Store;

  beforeAll(async () => {
    fx = await GitFixture.create();
    dataDir = makeTempDir('ig-data-');
    store = openStore(dataDir);
  });
  afterAll(async () => {
    store.close();
    await fx.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every version; an invalid push keeps the valid one in force, also for a new process', async () => {
    const repo = fx.createRepo('app');
    const settings: RepoSettings = { name: 'app', url: repo.url, insecure: true, pollInterval: 0, secretEnvNames: [] };
    const good = repo.writeConfig(VALID);
    const first = await loadRepoConfig({ repo: settings, dataDir, store });
    expect(first.current?.commit).toBe(good);

    const bad = repo.writeConfig({ groups: {}, configs: {} });
    const second = await loadRepoConfig({ repo: settings, dataDir, store });
    expect(second.current?.commit).toBe(good);
    expect(second.latest).toMatchObject({ commit: bad, valid: false, errors: [{ path: '/groups', message: 'unknown key "groups"; did you mean "hostgroups"?' }] });

    // what a CLI command in another process sees
    const other = openStore(dataDir);
    try {
      expect(other.latestConfigVersion('app')).toMatchObject({ commit: bad, valid: false });
      const inForce = other.lastValidConfig('app');
      expect(inForce?.commit).toBe(good);
      expect(effectiveConfigFor(inForce!, 'web1').config.env).toEqual({ A: '1', B: '2' });
    } finally {
      other.close();
    }

    const fixed = repo.writeConfig({ ...VALID, configs: { ...VALID.configs, base: { location: '/srv/www/app2' } } });
    const third = await loadRepoConfig({ repo: settings, dataDir, store });
    expect(third.current?.commit).toBe(fixed);
    expect(third.changed).toBe(true);
    expect(effectiveConfigFor(third.current!, 'web1').config.location).toBe('/srv/www/app2');
  });
});
