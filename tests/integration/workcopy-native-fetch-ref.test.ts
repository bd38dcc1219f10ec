import fs from 'node:fs';
import path from 'node:path';
import { GitFixture, makeTempDir } from '../helpers/git-fixture';
import { fetchRefWithNativeGit, nativeConfigFetcher } from '../../lib/workcopy/native/native-fetch-ref';
import { fetchConfigBranch } from '../../lib/config/fetch-config-branch';
import type { RepoSettings } from '../../lib/settings/types';

describe('reading one branch with native git into a bare cache', () => {
  let fx: GitFixture;
  let data: string;
  const token = 'n4tive-t0ken';
  beforeAll(async () => {
    fx = await GitFixture.create({ auth: { username: 'u', password: token } });
    data = makeTempDir('ig-cache-');
  });
  afterAll(async () => {
    await fx.close();
    fs.rmSync(data, { recursive: true, force: true });
  });
  const settings = (url: string, name: string, withAuth = true): RepoSettings => ({
    name,
    url,
    insecure: true,
    pollInterval: 0,
    secretEnvNames: [],
    auth: withAuth ? { username: 'u', token } : undefined,
  });

  it('fetches the config branch and reads the config, following later pushes', async () => {
    const repo = fx.createRepo('cfg');
    const first = repo.writeConfig({ configs: { base: { location: '/srv/www/a' } } });
    const gitdir = path.join(data, 'cache', 'cfg.git');
    const got = await nativeConfigFetcher({ repo: settings(repo.url, 'cfg'), gitdir, timeoutMs: 30000 });
    expect(got).toMatchObject({ commit: first, filename: 'config' });
    expect(JSON.parse(got.text)).toEqual({ configs: { base: { location: '/srv/www/a' } } });
    const second = repo.writeConfig({ configs: { base: { location: '/srv/www/b' } } });
    expect(await fetchRefWithNativeGit(settings(repo.url, 'cfg'), gitdir, 'integralgit')).toBe(second);
    expect(fs.readFileSync(path.join(gitdir, 'config'), 'utf8')).not.toContain(token);
  });

  it('answers null for a missing branch, and IG_CONFIG_MISSING from the config fetcher', async () => {
    const repo = fx.createRepo('noconfig');
    const gitdir = path.join(data, 'cache', 'noconfig.git');
    expect(await fetchRefWithNativeGit(settings(repo.url, 'noconfig'), gitdir, 'integralgit')).toBeNull();
    await expect(nativeConfigFetcher({ repo: settings(repo.url, 'noconfig'), gitdir, timeoutMs: 30000 })).rejects.toMatchObject({ code: 'IG_CONFIG_MISSING' });
  });

  it('fails with IG_FETCH_FAILED naming the auth setting when the token is missing', async () => {
    const repo = fx.createRepo('private');
    repo.writeConfig({ configs: {} });
    const err = await fetchRefWithNativeGit(settings(repo.url, 'private', false), path.join(data, 'cache', 'private.git'), 'integralgit').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IG_FETCH_FAILED' });
    expect((err as Error).message).toContain('repos.private.auth');
  });

  it('reads an HTTP remote with git when the native backend is configured (nativeForHttp), in-process otherwise', async () => {
    const repo = fx.createRepo('viagit');
    const commit = repo.writeConfig({ configs: { base: { location: '/srv/www/g' } } });
    const native = path.join(data, 'native-data');
    const got = await fetchConfigBranch({ repo: settings(repo.url, 'viagit'), dataDir: native, nativeFetcher: nativeConfigFetcher, nativeForHttp: true });
    expect(got).toMatchObject({ commit, filename: 'config' });
    // git fetched into refs/heads/; isomorphic-git would have written refs/remotes/origin/
    expect(fs.existsSync(path.join(native, 'cache', 'viagit.git', 'refs', 'heads', 'integralgit'))).toBe(true);
    const inProcess = path.join(data, 'iso-data');
    await expect(fetchConfigBranch({ repo: settings(repo.url, 'viagit'), dataDir: inProcess, nativeFetcher: nativeConfigFetcher })).resolves.toMatchObject({ commit });
    expect(fs.existsSync(path.join(inProcess, 'cache', 'viagit.git', 'refs', 'remotes', 'origin', 'integralgit'))).toBe(true);
  });

  it('answers with the known version when the branch has not moved, and reads the file when it has', async () => {
    const repo = fx.createRepo('known');
    const first = repo.writeConfig({ configs: { base: { location: '/srv/www/k' } } });
    const gitdir = path.join(data, 'cache', 'known.git');
    const known = { commit: first, text: '{"recorded":true}' };
    await expect(nativeConfigFetcher({ repo: settings(repo.url, 'known'), gitdir, timeoutMs: 30000, known })).resolves.toMatchObject({ commit: first, text: known.text });
    const second = repo.writeConfig({ configs: { base: { location: '/srv/www/k2' } } });
    const got = await nativeConfigFetcher({ repo: settings(repo.url, 'known'), gitdir, timeoutMs: 30000, known });
    expect(got.commit).toBe(second);
    expect(JSON.parse(got.text)).toEqual({ configs: { base: { location: '/srv/www/k2' } } });
  });
});
