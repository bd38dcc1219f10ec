import { fetchFailed } from '../../lib/workcopy/core/fetch-error';
import type { RepoSettings } from '../../lib/settings/types';

const repo: RepoSettings = { name: 'app', url: 'https://git.example.com/acme/app.git', insecure: false, pollInterval: 0, secretEnvNames: [] };

describe('fetchFailed names the cause a sysadmin can act on', () => {
  it.each([
    ['error: could not lock config file /srv/www/app/.git/config: File exists', /another git process was writing in this working copy/],
    ["fatal: Unable to create '/srv/www/app/.git/index.lock': File exists.", /another git process was writing in this working copy/],
    // native git (curl) words a refused connection differently from Node and from ssh
    ["fatal: unable to access 'http://127.0.0.1:45239/app.git/': Failed to connect to 127.0.0.1 port 45239 after 0 ms: Couldn't connect to server", /connection refused: nothing answers at git\.example\.com/],
    ['connect ECONNREFUSED 127.0.0.1:45239', /connection refused/],
    ['ssh: connect to host git.example.com port 22: Connection refused\nfatal: Could not read from remote repository.', /connection refused/],
    ["fatal: unable to access 'https://git.example.com/acme/app.git/': Could not resolve host: git.example.com", /does not resolve on this host \(DNS\)/],
    ['getaddrinfo ENOTFOUND git.example.com', /does not resolve/],
    ["fatal: unable to access 'https://git.example.com/acme/app.git/': Failed to connect to git.example.com port 443 after 130000 ms: Connection timed out", /timed out/],
  ])('%s', (detail, hint) => {
    const err = fetchFailed(repo, 'fetch of master', detail, 'master');
    expect(err.code).toBe('IG_FETCH_FAILED');
    expect(err.message).toMatch(hint);
    expect(err.message).not.toMatch(/is reachable/);
  });
});
