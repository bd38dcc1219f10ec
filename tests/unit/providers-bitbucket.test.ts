import { bitbucketCloud } from '../../lib/providers/bitbucket-cloud';
import { bitbucketLegacy } from '../../lib/providers/bitbucket-legacy';
import { bitbucketServer } from '../../lib/providers/bitbucket-server';
import { receiveWebhook } from '../../lib/webhooks/receive-webhook';
import {
  ALL_REPOS, SECRET, fixtureBody, fixtureHeaders, repo, request, settingsWith, signedFixture,
} from '../fixtures/providers/fixture-request';

const settings = settingsWith(ALL_REPOS);

describe('Bitbucket Cloud provider', () => {
  it('turns a delivery naming two refs into two pushes', () => {
    const decision = receiveWebhook(signedFixture('bitbucket-cloud', 'push-multi'), settings);
    expect(decision).toMatchObject({ status: 202, outcome: 'accepted', provider: 'bitbucket-cloud', repo: 'bbcloud', deliveryId: '6a8c9f30-2b1d-4e5f-8a7b-9c0d1e2f3a4b' });
    expect(decision.pushes).toHaveLength(2);
    const [main, feature] = decision.pushes;
    expect(main).toMatchObject({
      ref: 'refs/heads/main', branch: 'main', before: '10a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3', after: '4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f',
      created: false, deleted: false, forced: false, commitsTruncated: true, pusher: 'Jane Doe',
    });
    expect(main.commits[0]).toEqual({
      id: '4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f', message: 'Fix footer escaping\n', authorName: 'Ravi Kumar', authorEmail: 'ravi@acme.example',
      timestamp: '2025-03-02T09:16:31+00:00', url: 'https://bitbucket.org/acme/myapp/commits/4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f',
    });
    expect(feature).toMatchObject({ ref: 'refs/heads/feature/login', before: null, created: true, commitsTruncated: false });
  });

  it('returns a tag push and a branch deletion', () => {
    const tag = receiveWebhook(signedFixture('bitbucket-cloud', 'push-tag'), settings);
    expect(tag.pushes).toEqual([expect.objectContaining({ ref: 'refs/tags/v1.4.0', tag: 'v1.4.0', branch: null, created: true })]);
    const del = receiveWebhook(signedFixture('bitbucket-cloud', 'push-delete'), settings);
    expect(del.pushes).toEqual([expect.objectContaining({ ref: 'refs/heads/feature/login', after: null, deleted: true })]);
  });

  it('never uses X-Hook-UUID (the webhook, not the delivery) as the delivery id', () => {
    const req = signedFixture('bitbucket-cloud', 'push-multi');
    delete req.headers['x-request-uuid'];
    expect(bitbucketCloud.parse(req).deliveryId).toBeUndefined();
  });

  it('rejects a wrong secret and a missing signature with 401', () => {
    expect(receiveWebhook(signedFixture('bitbucket-cloud', 'push-multi', 'wrong'), settings)).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISMATCH' });
    const unsigned = request(fixtureHeaders('bitbucket-cloud', 'push-multi'), fixtureBody('bitbucket-cloud', 'push-multi'));
    expect(receiveWebhook(unsigned, settings)).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISSING' });
  });

  it('ignores other events with 202', () => {
    const req = signedFixture('bitbucket-cloud', 'push-multi');
    req.headers['x-event-key'] = 'pullrequest:created';
    expect(receiveWebhook(req, settings)).toMatchObject({ status: 202, outcome: 'ignored', reason: 'event `pullrequest:created` is not a push' });
  });

  it('answers 400 for a repo:push without push.changes', () => {
    const body = JSON.stringify({ repository: { full_name: 'acme/myapp', links: { html: { href: 'https://bitbucket.org/acme/myapp' } } } });
    expect(receiveWebhook(request(fixtureHeaders('bitbucket-cloud', 'push-multi'), body), settings)).toMatchObject({ status: 400 });
  });
});

describe('Bitbucket Server / Data Center provider', () => {
  it('accepts repo:refs_changed, with commits left for git to fill', () => {
    const decision = receiveWebhook(signedFixture('bitbucket-server', 'refs-changed'), settings);
    expect(decision).toMatchObject({ status: 202, outcome: 'accepted', provider: 'bitbucket-server', repo: 'bbserver', deliveryId: 'a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d' });
    expect(decision.pushes[0]).toMatchObject({
      ref: 'refs/heads/master', branch: 'master', before: 'ecddabb624f6f5ba43816f5926e580a5f680a932', after: '178864a7d521b6f5e720b386b2c2b0ef8563e0dc',
      created: false, deleted: false, commitsTruncated: true, pusher: 'Administrator',
    });
    // Data Center's optional `commits` are used when the delivery names a single ref.
    expect(decision.pushes[0].commits[0]).toMatchObject({ id: '178864a7d521b6f5e720b386b2c2b0ef8563e0dc', message: 'Add health check endpoint', authorName: 'admin', timestamp: '2025-03-02T09:16:32.000Z' });
  });

  it('splits several changes into several pushes, tags included, without commits', () => {
    const decision = receiveWebhook(signedFixture('bitbucket-server', 'refs-changed-multi'), settings);
    expect(decision.pushes.map((p) => [p.ref, p.created, p.commits.length, p.commitsTruncated])).toEqual([
      ['refs/heads/master', false, 0, true],
      ['refs/tags/v1.4.0', true, 0, true],
    ]);
  });

  it('returns a deletion', () => {
    const decision = receiveWebhook(signedFixture('bitbucket-server', 'refs-changed-delete'), settings);
    expect(decision.pushes[0]).toMatchObject({ ref: 'refs/heads/feature/login', after: null, deleted: true, commits: [] });
  });

  it('matches the repo by its ssh clone URL or PROJECT/slug too', () => {
    const bySsh = settingsWith([repo('web', 'ssh://git@bitbucket.acme.example:7999/web/myapp.git')]);
    expect(receiveWebhook(signedFixture('bitbucket-server', 'refs-changed'), bySsh)).toMatchObject({ status: 202, repo: 'web' });
    const elsewhere = settingsWith([repo('mirror', 'https://mirror.acme.example/scm/WEB/myapp')]);
    expect(receiveWebhook(signedFixture('bitbucket-server', 'refs-changed'), elsewhere)).toMatchObject({ status: 202, repo: 'mirror' });
  });

  it('answers the diagnostics ping with 200 and tells whether its secret is known', () => {
    const ping = receiveWebhook(signedFixture('bitbucket-server', 'ping'), settings);
    expect(ping).toMatchObject({ status: 200, outcome: 'ping', repo: 'myapp' });
    expect(receiveWebhook(signedFixture('bitbucket-server', 'ping', 'unknown-secret'), settings)).toMatchObject({ status: 401 });
    const unsigned = request(fixtureHeaders('bitbucket-server', 'ping'), fixtureBody('bitbucket-server', 'ping'));
    expect(receiveWebhook(unsigned, settings)).toMatchObject({ status: 200, outcome: 'ping' });
  });

  it('accepts basic auth instead of a signature when the webhook uses it', () => {
    const req = request(fixtureHeaders('bitbucket-server', 'refs-changed'), fixtureBody('bitbucket-server', 'refs-changed'), { basicAuth: { username: 'hook', password: SECRET } });
    expect(receiveWebhook(req, settings)).toMatchObject({ status: 202 });
    req.basicAuth = { username: 'hook', password: 'nope' };
    expect(receiveWebhook(req, settings)).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISMATCH' });
  });

  it('rejects wrong and missing signatures', () => {
    expect(receiveWebhook(signedFixture('bitbucket-server', 'refs-changed', 'wrong'), settings)).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISMATCH' });
    const unsigned = request(fixtureHeaders('bitbucket-server', 'refs-changed'), fixtureBody('bitbucket-server', 'refs-changed'));
    expect(receiveWebhook(unsigned, settings)).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISSING' });
  });

  it('is told apart from Bitbucket Cloud by its headers', () => {
    expect(bitbucketServer.detect(signedFixture('bitbucket-server', 'refs-changed'))).toBe(true);
    expect(bitbucketServer.detect(signedFixture('bitbucket-cloud', 'push-multi'))).toBe(false);
    expect(bitbucketCloud.detect(signedFixture('bitbucket-cloud', 'push-multi'))).toBe(true);
  });
});

describe('legacy Bitbucket POST service', () => {
  const json = fixtureBody('bitbucket-legacy', 'post-payload').toString('utf8');
  const form = `payload=${encodeURIComponent(json)}`;
  const legacy = (extra = {}) => request({ 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Bitbucket.org' }, form, extra);

  it('is detected from the form body with canon_url', () => {
    expect(bitbucketLegacy.detect(legacy())).toBe(true);
    expect(bitbucketLegacy.detect(request({ 'content-type': 'application/x-www-form-urlencoded' }, 'payload=%7B%7D'))).toBe(false);
  });

  it('accepts basic auth whose password is the secret, one push per branch', () => {
    const decision = receiveWebhook(legacy({ basicAuth: { username: 'integralgit', password: SECRET } }), settings);
    expect(decision).toMatchObject({ status: 202, outcome: 'accepted', provider: 'bitbucket-legacy', repo: 'projectx' });
    expect(decision.pushes.map((p) => [p.branch, p.after, p.commits.map((c) => c.id.slice(0, 7))])).toEqual([
      ['master', '620ade18607ac42d872b568bb92acaa9a28620e9', ['1b45819', '620ade1']],
      ['develop', '9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d', ['9c1d2e3']],
    ]);
    expect(decision.pushes[0].commits[1]).toEqual({
      id: '620ade18607ac42d872b568bb92acaa9a28620e9', message: 'Added some more things to somefile.py\n',
      authorName: 'Marcus Bertrand', authorEmail: 'marcus@somedomain.com', timestamp: '2012-05-30T03:58:56.000Z',
    });
  });

  it('ignores the user name and compares the password', () => {
    expect(receiveWebhook(legacy({ basicAuth: { username: 'anyone', password: SECRET } }), settings).status).toBe(202);
    expect(receiveWebhook(legacy({ basicAuth: { username: 'integralgit', password: 'wrong' } }), settings)).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISMATCH' });
  });

  it('without credentials is refused, unless the repo is marked insecure', () => {
    const refused = receiveWebhook(legacy(), settings);
    expect(refused).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISSING' });
    expect(refused.reason).toContain('https://integralgit:SECRET@host/update');
    const insecure = settingsWith([repo('projectx', 'https://bitbucket.org/marcus/project-x', { secret: undefined, insecure: true })]);
    const accepted = receiveWebhook(legacy(), insecure);
    expect(accepted).toMatchObject({ status: 202, outcome: 'accepted' });
    expect(accepted.reason).toContain('insecure');
  });

  it('answers 400 when canon_url or absolute_url is missing', () => {
    expect(() => bitbucketLegacy.parse(request({ 'content-type': 'application/x-www-form-urlencoded' }, `payload=${encodeURIComponent('{"canon_url":"https://bitbucket.org"}')}`))).toThrow(expect.objectContaining({ code: 'IG_PAYLOAD_INVALID' }));
  });
});
