import type { Provider } from '../../lib/providers/types';
import { receiveWebhook } from '../../lib/webhooks/receive-webhook';
import { ALL_REPOS, SECRET, repo, request, settingsWith, signedFixture } from '../fixtures/providers/fixture-request';

describe('receiveWebhook', () => {
  const settings = settingsWith(ALL_REPOS);

  describe('trusted networks', () => {
    it('refuses a request from outside the server-wide list with 403 before anything else', () => {
      const decision = receiveWebhook({ ...signedFixture('github', 'push'), remoteAddress: '203.0.113.9' }, { ...settings, trustedNetworks: ['192.0.2.0/24'] });
      expect(decision).toMatchObject({ status: 403, outcome: 'rejected', errorCode: 'IG_NETWORK_UNTRUSTED' });
      expect(decision.reason).toBe('request from 203.0.113.9 is outside `trustedNetworks`');
      expect(decision.provider).toBeUndefined();
    });

    it('lets a request from inside the list through, IPv4-mapped included', () => {
      const req = { ...signedFixture('github', 'push'), remoteAddress: '::ffff:192.0.2.77' };
      expect(receiveWebhook(req, { ...settings, trustedNetworks: ['192.0.2.0/24'] }).status).toBe(202);
    });

    it('applies a repo list after matching, and it can only narrow', () => {
      const narrowed = settingsWith([repo('myapp', 'https://github.com/acme/myapp', { trustedNetworks: ['10.0.0.0/8'] })]);
      const decision = receiveWebhook(signedFixture('github', 'push'), narrowed);
      expect(decision).toMatchObject({ status: 403, repo: 'myapp' });
      expect(decision.reason).toContain('`repos.myapp.trustedNetworks`');
      expect(receiveWebhook({ ...signedFixture('github', 'push'), remoteAddress: '10.1.2.3' }, narrowed).status).toBe(202);
      const serverToo = { ...narrowed, trustedNetworks: ['192.0.2.0/24'] };
      expect(receiveWebhook({ ...signedFixture('github', 'push'), remoteAddress: '10.1.2.3' }, serverToo).status).toBe(403);
    });

    it('applies the repo list to a ping that names no repository once its secret identifies the repo', () => {
      const narrowed = settingsWith([repo('bbserver', 'https://bitbucket.acme.example/scm/web/myapp.git', { trustedNetworks: ['10.0.0.0/8'] })]);
      expect(receiveWebhook(signedFixture('bitbucket-server', 'ping'), narrowed)).toMatchObject({ status: 403, repo: 'bbserver' });
      expect(receiveWebhook({ ...signedFixture('bitbucket-server', 'ping'), remoteAddress: '10.0.0.5' }, narrowed)).toMatchObject({ status: 200, repo: 'bbserver' });
    });

    it('never replaces a signature: a trusted address with a bad signature is still 401', () => {
      const decision = receiveWebhook(signedFixture('github', 'push', 'wrong'), { ...settings, trustedNetworks: ['0.0.0.0/0'] });
      expect(decision.status).toBe(401);
    });
  });

  it('answers 404 naming the payload identities when no repo matches', () => {
    const decision = receiveWebhook(signedFixture('github', 'push'), settingsWith([repo('other', 'https://github.com/acme/other')]));
    expect(decision).toMatchObject({ status: 404, errorCode: 'IG_REPO_UNKNOWN', provider: 'github' });
    expect(decision.reason).toContain('no repository in settings matches https://github.com/acme/myapp.git');
  });

  it('answers 404 for an ambiguous match, naming both repos', () => {
    const dup = settingsWith([repo('a', 'https://github.com/acme/myapp'), repo('b', 'git@github.com:acme/myapp.git')]);
    const decision = receiveWebhook(signedFixture('github', 'push'), dup);
    expect(decision).toMatchObject({ status: 404, errorCode: 'IG_REPO_UNKNOWN' });
    expect(decision.reason).toContain('matches repos `a` and `b`');
  });

  it('skips the signature for an insecure repo and says so', () => {
    const insecure = settingsWith([repo('myapp', 'https://github.com/acme/myapp', { secret: undefined, insecure: true })]);
    const decision = receiveWebhook(signedFixture('github', 'push', 'anything'), insecure);
    expect(decision).toMatchObject({ status: 202, outcome: 'accepted' });
    expect(decision.reason).toBe('push to refs/heads/main (repo `myapp` is marked insecure: signature not checked)');
  });

  it('refuses a repo that somehow has no secret and is not insecure', () => {
    const broken = settingsWith([repo('myapp', 'https://github.com/acme/myapp', { secret: undefined })]);
    const decision = receiveWebhook(signedFixture('github', 'push'), broken);
    expect(decision).toMatchObject({ status: 401 });
    expect(decision.reason).toContain('set `repos.myapp.secret`');
  });

  it('returns pushes only when accepted', () => {
    expect(receiveWebhook(signedFixture('github', 'push'), settings).pushes).toHaveLength(1);
    expect(receiveWebhook(signedFixture('github', 'push', 'wrong'), settings).pushes).toEqual([]);
    expect(receiveWebhook(signedFixture('github', 'ping'), settings).pushes).toEqual([]);
  });

  it('turns a provider that throws unexpectedly into a 400, never an exception', () => {
    const broken: Provider = {
      name: 'broken',
      detect: () => true,
      parse: () => {
        throw new TypeError('boom');
      },
      verify: () => undefined,
    };
    expect(receiveWebhook(request({}, '{}'), settings, [broken])).toMatchObject({ status: 400, reason: 'invalid broken delivery: the payload could not be read' });
    const detectThrows: Provider = { ...broken, detect: () => { throw new Error('x'); } };
    expect(receiveWebhook(request({}, '{}'), settings, [detectThrows]).status).toBe(400);
    const verifyThrows: Provider = {
      name: 'v',
      detect: () => true,
      parse: () => ({ provider: 'v', eventType: 'push', kind: 'push', repoIdentities: ['https://github.com/acme/myapp'], pushes: [] }),
      verify: () => { throw new RangeError('bad'); },
    };
    expect(receiveWebhook(request({}, '{}'), settings, [verifyThrows])).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISMATCH' });
  });

  it('a ping naming no repository and carrying no signature is answered 200, checking nothing', () => {
    const ping = request({ 'x-github-event': 'ping', 'content-type': 'application/json' }, '{"zen":"Keep it logically awesome.","hook_id":1}');
    expect(receiveWebhook(ping, settings)).toMatchObject({ status: 200, outcome: 'ping' });
  });

  it('never includes the secret in any decision', () => {
    for (const req of [signedFixture('github', 'push', 'wrong'), signedFixture('gitlab', 'push', 'wrong'), signedFixture('bitbucket-server', 'ping', 'x')]) {
      expect(JSON.stringify(receiveWebhook(req, settings))).not.toContain(SECRET);
    }
  });
});
