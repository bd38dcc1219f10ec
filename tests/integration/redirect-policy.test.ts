import fs from 'node:fs';
import path from 'node:path';
import { GitFixture, makeTempDir } from '../helpers/git-fixture';
import { serveGitHttp, type GitHttpServer } from '../../lib/demo/serve-git-http';
import { fetchConfigBranch } from '../../lib/config/fetch-config-branch';
import { createBackend } from '../../lib/workcopy/create-backend';
import type { RepoSettings } from '../../lib/settings/types';
import { IntegralGitError } from '../../lib/errors';

/**
 * One redirect policy on every path that fetches a repository (docs/guide/backends.md):
 * a server answering 302 for the repository is refused with IG_FETCH_FAILED naming the
 * redirect, and nothing is fetched from where it points, whether the config branch is
 * read or a working copy is synced by either backend.
 */
function settingsFor(name: string, url: string): RepoSettings {
  return { name, url, insecure: true, pollInterval: 0, secretEnvNames: [], auth: { username: 'deploy', token: 'redirect-test-token' } };
}

async function refusal(p: Promise<unknown>): Promise<IntegralGitError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof IntegralGitError) return err;
    throw err;
  }
  throw new Error('expected the redirect to be refused');
}

describe('a repository URL answering 302 is refused on every path', () => {
  let fx: GitFixture;
  let redirector: GitHttpServer;
  let root: string;

  beforeAll(async () => {
    fx = await GitFixture.create();
    // same host, another port: the repository "moved" to the real server
    redirector = await serveGitHttp({ projectRoot: fx.srvDir, redirectTo: fx.baseUrl });
    root = makeTempDir('ig-redirect-');
    fx.createRepo('moved').writeConfig({ configs: {} });
  });
  afterAll(async () => {
    await redirector.close();
    await fx.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const url = () => `${redirector.url}/moved.git`;
  const expectRefused = (err: IntegralGitError, before: number) => {
    expect(err.code).toBe('IG_FETCH_FAILED');
    // the native git CLI words it its own way (`http.followRedirects=false`), with the same status
    expect(err.message).toMatch(/\b302\b/);
    expect(err.message).toMatch(/redirect/);
    expect(err.message).not.toContain('redirect-test-token');
    expect(fx.requests.length).toBe(before);
  };

  it('reading the config branch', async () => {
    const before = fx.requests.length;
    const err = await refusal(fetchConfigBranch({ repo: settingsFor('moved', url()), dataDir: path.join(root, 'data') }));
    expectRefused(err, before);
    expect(err.message).toContain(`a redirect to ${fx.baseUrl}: redirects are not followed`);
  });

  it.each(['isomorphic', 'native'] as const)('syncing a working copy with the %s backend', async (name) => {
    const before = fx.requests.length;
    const location = path.join(root, `copy-${name}`);
    const err = await refusal(createBackend(name).sync({ repo: settingsFor('moved', url()), location, branch: 'master', remote: 'origin', allowedRoots: [root] }));
    expectRefused(err, before);
    expect(fs.existsSync(path.join(location, 'README.md'))).toBe(false);
  });
});
