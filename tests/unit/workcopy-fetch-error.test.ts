import { fetchFailed } from '../../lib/workcopy/core/fetch-error';
import type { RepoSettings } from '../../lib/settings/types';

const repo: RepoSettings = { name: 'app', url: 'https://git.example.com/acme/app.git', insecure: false, pollInterval: 0, secretEnvNames: [] };

describe('fetchFailed names the cause a sysadmin can act on', () => {
  it.each([
    ['error: could not lock config file /srv/www/app/.git/config: File exists', /another git process was writing in this working copy/],
    ["fatal: Unable to create '/srv/www/app/.git/index.lock': File exists.", /another git process was writing in this working copy/],
  ])('%s', (detail, hint) => {
    const err = fetchFailed(repo, 'fetch of master', detail, 'master');
    expect(err.code).toBe('IG_FETCH_FAILED');
    expect(err.message).toMatch(hint);
    expect(err.message).not.toMatch(/is reachable/);
  });
});
