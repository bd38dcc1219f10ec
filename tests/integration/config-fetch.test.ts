import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { GitFixture, makeTempDir } from '../helpers/git-fixture';
import { serveGitHttp } from '../../lib/demo/serve-git-http';
import { fetchConfigBranch, MAX_CACHE_PACKS } from '../../lib/config/fetch-config-branch';
import { configCacheDir, countPacks } from '../../lib/config/config-cache';
import { IntegralGitError } from '../../lib/errors';
import type { RepoSettings } from '../../lib/settings/types';

function repoSettings(name: string, url: string, auth?: RepoSettings['auth']): RepoSettings {
  return { name, url, insecure: true, pollInterval: 0, secretEnvNames: [], auth };
}

async function failure(p: Promise<unknown>): Promise<IntegralGitError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof IntegralGitError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('fetchConfigBranch over HTTP (git http-backend)', () => {
  let fx: GitFixture;
  let dataDir: string;

  beforeAll(async () => {
    fx = await GitFixture.create();
  });
  afterAll(async () => {
    await fx.close();
  });
  beforeEach(() => {
    dataDir = makeTempDir('ig-data-');
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads `config` from the integralgit branch into a bare cache, touching no working copy', async () => {
    const repo = fx.createRepo('app');
    const sha = repo.writeConfig({ configs: { base: { location: '/srv/www/app' } } });
    const got = await fetchConfigBranch({ repo: repoSettings('app', repo.url), dataDir });
    expect(got).toEqual({ commit: sha, filename: 'config', text: JSON.stringify({ configs: { base: { location: '/srv/www/app' } } }, null, 2) });
    const cache = configCacheDir(dataDir, 'app');
    expect(cache).toBe(path.join(dataDir, 'cache', 'app.git'));
    expect(fs.existsSync(path.join(cache, 'HEAD'))).toBe(true);
    expect(fs.existsSync(path.join(cache, 'config'))).toBe(true); // git's own config file, not a checkout
    expect(fs.readdirSync(cache).sort()).not.toContain('index');
    // only the config branch was fetched: the master commit is not in the cache
    expect(fs.readFileSync(path.join(cache, 'refs/remotes/origin/integralgit'), 'utf8').trim()).toBe(sha);
    expect(fs.existsSync(path.join(cache, 'refs/remotes/origin/master'))).toBe(false);
    const uploadPacks = fx.requests.filter((r) => r.url.includes('/app.git/'));
    expect(uploadPacks.map((r) => r.url)).toEqual(['/app.git/info/refs?service=git-upload-pack', '/app.git/git-upload-pack']);
  });

  it('falls back to `config.json`', async () => {
    const repo = fx.createRepo('jsonname');
    const sha = repo.writeConfig({ configs: {} }, 'config.json');
    const got = await fetchConfigBranch({ repo: repoSettings('jsonname', repo.url), dataDir });
    expect(got).toMatchObject({ commit: sha, filename: 'config.json' });
  });

  it('sees the next commit of the branch', async () => {
    const repo = fx.createRepo('moving');
    repo.writeConfig({ configs: { base: { branch: 'one' } } });
    await fetchConfigBranch({ repo: repoSettings('moving', repo.url), dataDir });
    const second = repo.writeConfig({ configs: { base: { branch: 'two' } } });
    const got = await fetchConfigBranch({ repo: repoSettings('moving', repo.url), dataDir });
    expect(got.commit).toBe(second);
    expect(JSON.parse(got.text).configs.base.branch).toBe('two');
  });

  it('reads an unchanged branch from the cache after one request for the refs, adding no packfile', async () => {
    const repo = fx.createRepo('still');
    const sha = repo.writeConfig({ configs: { base: { branch: 'one' } } });
    const settings = repoSettings('still', repo.url);
    await fetchConfigBranch({ repo: settings, dataDir });
    const packs = countPacks(configCacheDir(dataDir, 'still'));
    const before = fx.requests.length;
    const got = await fetchConfigBranch({ repo: settings, dataDir });
    expect(got).toMatchObject({ commit: sha, filename: 'config' });
    expect(JSON.parse(got.text).configs.base.branch).toBe('one');
    expect(fx.requests.slice(before).map((r) => r.url)).toEqual(['/still.git/info/refs?service=git-upload-pack']);
    expect(countPacks(configCacheDir(dataDir, 'still'))).toBe(packs);
  });

  it('a branch deleted after it was cached → IG_CONFIG_MISSING, not the cached config', async () => {
    const repo = fx.createRepo('deleted');
    repo.writeConfig({ configs: {} });
    await fetchConfigBranch({ repo: repoSettings('deleted', repo.url), dataDir });
    repo.git(['push', '-q', 'origin', ':refs/heads/integralgit']);
    const err = await failure(fetchConfigBranch({ repo: repoSettings('deleted', repo.url), dataDir }));
    expect(err.code).toBe('IG_CONFIG_MISSING');
  });

  it('a repository without the integralgit branch → IG_CONFIG_MISSING naming `integralgit init`', async () => {
    const repo = fx.createRepo('nobranch');
    const err = await failure(fetchConfigBranch({ repo: repoSettings('nobranch', repo.url), dataDir }));
    expect(err.code).toBe('IG_CONFIG_MISSING');
    expect(err.message).toBe(`repository ${repo.url} has no \`integralgit\` branch; create it with \`integralgit init\``);
  });

  it('a branch without either file → IG_CONFIG_MISSING naming both files and the commit', async () => {
    const repo = fx.createRepo('nofile');
    const sha = repo.writeConfig('{}', 'README');
    const err = await failure(fetchConfigBranch({ repo: repoSettings('nofile', repo.url), dataDir }));
    expect(err.code).toBe('IG_CONFIG_MISSING');
    expect(err.message).toContain('has no file named `config` or `config.json`');
    expect(err.data.commit).toBe(sha);
  });

  it('an unknown repository → IG_FETCH_FAILED with the HTTP status', async () => {
    const err = await failure(fetchConfigBranch({ repo: repoSettings('ghost', fx.url('ghost')), dataDir }));
    expect(err.code).toBe('IG_FETCH_FAILED');
    expect(err.message).toBe(`fetching branch \`integralgit\` from ${fx.url('ghost')} failed: HTTP 404 Not Found; check repos.ghost.url`);
    expect(err.data.status).toBe(404);
  });

  it('nothing listening → IG_FETCH_FAILED naming the URL', async () => {
    const closed = await serveGitHttp({ projectRoot: fx.srvDir });
    await closed.close();
    const url = `${closed.url}/app.git`;
    const err = await failure(fetchConfigBranch({ repo: repoSettings('down', url), dataDir }));
    expect(err.code).toBe('IG_FETCH_FAILED');
    expect(err.message).toMatch(new RegExp(`^fetching branch \`integralgit\` from ${url.replace(/[.]/g, '\\.')} failed: .*ECONNREFUSED`));
  });

  it('a remote that never answers → IG_FETCH_FAILED "timed out" (the guard aborts the request)', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/app.git`;
    try {
      const err = await failure(fetchConfigBranch({ repo: repoSettings('silent', url), dataDir, timeoutMs: 300 }));
      expect(err.code).toBe('IG_FETCH_FAILED');
      expect(err.message).toBe(`fetching branch \`integralgit\` from ${url} timed out after 300 ms`);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('SSH and scp-like remotes need the native backend (or an injected fetcher)', async () => {
    for (const url of ['ssh://git@example.com/acme/app.git', 'git@example.com:acme/app.git']) {
      const err = await failure(fetchConfigBranch({ repo: repoSettings('ssh', url), dataDir }));
      expect(err.code).toBe('IG_FETCH_FAILED');
      expect(err.message).toContain('SSH remotes are read with the native git backend');
    }
    const got = await fetchConfigBranch({
      repo: repoSettings('ssh', 'git@example.com:acme/app.git'),
      dataDir,
      nativeFetcher: async (req) => ({ commit: 'c'.repeat(40), filename: 'config', text: req.gitdir }),
    });
    expect(got.text).toBe(configCacheDir(dataDir, 'ssh'));
  });

  it('keeps the number of packfiles bounded over 50 fetches of a changing config', async () => {
    const repo = fx.createRepo('busy');
    const settings = repoSettings('busy', repo.url);
    let maxPacks = 0;
    for (let i = 0; i < 50; i++) {
      const sha = repo.writeConfig({ configs: { base: { env: { N: String(i) } } } });
      const got = await fetchConfigBranch({ repo: settings, dataDir });
      expect(got.commit).toBe(sha);
      expect(JSON.parse(got.text).configs.base.env.N).toBe(String(i));
      maxPacks = Math.max(maxPacks, countPacks(configCacheDir(dataDir, 'busy')));
    }
    expect(maxPacks).toBeGreaterThan(1);
    expect(maxPacks).toBeLessThanOrEqual(MAX_CACHE_PACKS);
    // 50 commits and 50 fetches: seconds on an idle machine, over a minute on a loaded one
  }, 300_000);

  it('recovers from a damaged cache by fetching afresh', async () => {
    const repo = fx.createRepo('damaged');
    const sha = repo.writeConfig({ configs: {} });
    await fetchConfigBranch({ repo: repoSettings('damaged', repo.url), dataDir });
    const packDir = path.join(configCacheDir(dataDir, 'damaged'), 'objects', 'pack');
    for (const f of fs.readdirSync(packDir)) fs.writeFileSync(path.join(packDir, f), 'garbage');
    const got = await fetchConfigBranch({ repo: repoSettings('damaged', repo.url), dataDir });
    expect(got.commit).toBe(sha);
  });

  it('parallel fetches of one repo are serialised and all succeed', async () => {
    const repo = fx.createRepo('parallel');
    const sha = repo.writeConfig({ configs: {} });
    const results = await Promise.all(Array.from({ length: 4 }, () => fetchConfigBranch({ repo: repoSettings('parallel', repo.url), dataDir })));
    expect(results.map((r) => r.commit)).toEqual([sha, sha, sha, sha]);
  });
});

describe('fetchConfigBranch with credentials', () => {
  const auth = { username: 'deploy', password: 'correct-token' };
  let fx: GitFixture;
  let dataDir: string;

  beforeAll(async () => {
    fx = await GitFixture.create({ auth });
  });
  afterAll(async () => {
    await fx.close();
  });
  beforeEach(() => {
    dataDir = makeTempDir('ig-data-');
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends the repo auth as basic credentials', async () => {
    const repo = fx.createRepo('private');
    const sha = repo.writeConfig({ configs: {} });
    const got = await fetchConfigBranch({ repo: repoSettings('private', repo.url, { username: 'deploy', token: 'correct-token' }), dataDir });
    expect(got.commit).toBe(sha);
  });

  it('wrong credentials → IG_FETCH_FAILED with the status, naming the setting, never the token', async () => {
    const repo = fx.createRepo('private2');
    repo.writeConfig({ configs: {} });
    const err = await failure(fetchConfigBranch({ repo: repoSettings('private2', repo.url, { username: 'deploy', token: 'wrong-token' }), dataDir }));
    expect(err.code).toBe('IG_FETCH_FAILED');
    expect(err.data.status).toBe(401);
    expect(err.message).toContain(`from ${repo.url} failed: HTTP 401`);
    expect(err.message).toContain('repos.private2.auth');
    expect(JSON.stringify(err.toJSON())).not.toContain('wrong-token');
  });

  it('no credentials configured → IG_FETCH_FAILED telling to set auth', async () => {
    const repo = fx.createRepo('private3');
    repo.writeConfig({ configs: {} });
    const err = await failure(fetchConfigBranch({ repo: repoSettings('private3', repo.url), dataDir }));
    expect(err.message).toContain('the remote asks for credentials: set repos.private3.auth');
  });

  it('credentials in the URL never appear in messages', async () => {
    const url = fx.url('private4').replace('http://', 'http://deploy:url-token@');
    const err = await failure(fetchConfigBranch({ repo: repoSettings('private4', url), dataDir }));
    expect(err.code).toBe('IG_FETCH_FAILED');
    expect(JSON.stringify(err.toJSON())).not.toContain('url-token');
  });

  it('a redirect to another port (another origin) is refused and the credentials never reach it', async () => {
    const repo = fx.createRepo('moved');
    repo.writeConfig({ configs: {} });
    const redirector = await serveGitHttp({ projectRoot: fx.srvDir, redirectTo: fx.baseUrl });
    try {
      const before = fx.requests.length;
      const err = await failure(fetchConfigBranch({ repo: repoSettings('moved', `${redirector.url}/moved.git`, { username: 'deploy', token: 'correct-token' }), dataDir }));
      expect(err.code).toBe('IG_FETCH_FAILED');
      // one redirect policy for every path (lib/git-http-client.ts): the message names the redirect
      expect(err.message).toMatch(new RegExp(`^the remote ${redirector.url}/moved.git answered HTTP 302, a redirect to ${fx.baseUrl}: redirects are not followed`));
      expect(fx.requests.slice(before)).toEqual([]);
      expect(redirector.requests.every((r) => r.authorization === undefined)).toBe(true);
    } finally {
      await redirector.close();
    }
  });
});

describe('fetchConfigBranch and redirects without credentials', () => {
  // Was "follows a redirect of a public repository, like git": the working-copy backends
  // refused what the config read followed. One policy now: never followed (see
  // tests/integration/redirect-policy.test.ts for every path).
  it('refuses a redirect of a public repository too, naming it, and fetches nothing from the target', async () => {
    const fx = await GitFixture.create();
    const dataDir = makeTempDir('ig-data-');
    const redirector = await serveGitHttp({ projectRoot: fx.srvDir, redirectTo: fx.baseUrl });
    try {
      const repo = fx.createRepo('public');
      repo.writeConfig({ configs: {} });
      const err = await failure(fetchConfigBranch({ repo: repoSettings('public', `${redirector.url}/public.git`), dataDir }));
      expect(err.code).toBe('IG_FETCH_FAILED');
      expect(err.message).toContain(`answered HTTP 302, a redirect to ${fx.baseUrl}: redirects are not followed`);
      expect(redirector.requests.map((r) => r.method)).toEqual(['GET']);
      expect(fx.requests).toEqual([]);
    } finally {
      await redirector.close();
      await fx.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
