import { github } from '../../lib/providers/github';
import { receiveWebhook } from '../../lib/webhooks/receive-webhook';
import {
  ALL_REPOS, SECRET, fixtureBody, fixtureHeaders, hmacHex, request, settingsWith, signedFixture,
} from '../fixtures/providers/fixture-request';

const settings = settingsWith(ALL_REPOS);

describe('GitHub provider', () => {
  it('accepts a signed push and normalises it', () => {
    const decision = receiveWebhook(signedFixture('github', 'push'), settings);
    expect(decision).toMatchObject({ status: 202, outcome: 'accepted', provider: 'github', repo: 'myapp', eventType: 'push', deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958' });
    expect(decision.pushes).toEqual([
      {
        ref: 'refs/heads/main', branch: 'main', tag: null,
        before: '9a3e1b5c7d2f4a6b8c0d1e2f3a4b5c6d7e8f9a0b', after: 'f70b2d9e1c3a5b7d9f0e2c4a6b8d0f1e3a5c7b9d',
        created: false, deleted: false, forced: false, commitsTruncated: false,
        pusher: 'janedoe', compareUrl: 'https://github.com/acme/myapp/compare/9a3e1b5c7d2f...f70b2d9e1c3a',
        commits: [
          { id: 'c4d2e8f1a3b5c7d9e0f2a4b6c8d0e1f3a5b7c9d1', message: 'Add health check endpoint\n\nThe load balancer probes /healthz every 5 s.', authorName: 'Jane Doe', authorEmail: 'jane@acme.example', timestamp: '2025-03-02T10:14:52+01:00', url: 'https://github.com/acme/myapp/commit/c4d2e8f1a3b5c7d9e0f2a4b6c8d0e1f3a5b7c9d1' },
          { id: 'f70b2d9e1c3a5b7d9f0e2c4a6b8d0f1e3a5c7b9d', message: 'Fix <script>alert(1)</script> escaping in the footer', authorName: 'Ravi Kumar', authorEmail: 'ravi@acme.example', timestamp: '2025-03-02T10:16:31+01:00', url: 'https://github.com/acme/myapp/commit/f70b2d9e1c3a5b7d9f0e2c4a6b8d0f1e3a5c7b9d' },
        ],
      },
    ]);
  });

  it('lists the clone URLs, web URL and full name as identities', () => {
    const parsed = github.parse(signedFixture('github', 'push'));
    expect(parsed.repoIdentities).toEqual([
      'https://github.com/acme/myapp.git', 'git@github.com:acme/myapp.git', 'git://github.com/acme/myapp.git',
      'https://github.com/acme/myapp', 'acme/myapp',
    ]);
    expect(parsed.webUrl).toBe('https://github.com/acme/myapp');
  });

  it('returns a tag push as a tag, created', () => {
    const decision = receiveWebhook(signedFixture('github', 'push-tag', SECRET, 'push'), settings);
    expect(decision.outcome).toBe('accepted');
    expect(decision.pushes[0]).toMatchObject({ ref: 'refs/tags/v1.4.0', branch: null, tag: 'v1.4.0', before: null, created: true, deleted: false });
  });

  it('returns a branch deletion with deleted and no after', () => {
    const decision = receiveWebhook(signedFixture('github', 'push-delete', SECRET, 'push'), settings);
    expect(decision.pushes[0]).toMatchObject({ ref: 'refs/heads/feature/login', branch: 'feature/login', after: null, deleted: true, commits: [] });
  });

  it('keeps the forced flag', () => {
    const decision = receiveWebhook(signedFixture('github', 'push-forced', SECRET, 'push'), settings);
    expect(decision.pushes[0].forced).toBe(true);
  });

  it('answers a ping with 200', () => {
    const decision = receiveWebhook(signedFixture('github', 'ping'), settings);
    expect(decision).toMatchObject({ status: 200, outcome: 'ping', repo: 'myapp', pushes: [] });
  });

  it('ignores other events with 202 and the reason', () => {
    const body = fixtureBody('github', 'push');
    const req = request({ ...fixtureHeaders('github', 'push'), 'x-github-event': 'issues', 'x-hub-signature-256': `sha256=${hmacHex('sha256', SECRET, body)}` }, body);
    expect(receiveWebhook(req, settings)).toMatchObject({ status: 202, outcome: 'ignored', reason: 'event `issues` is not a push', pushes: [] });
  });

  it('verifies a GHES 2.x delivery that carries only X-Hub-Signature (HMAC-SHA1)', () => {
    const body = fixtureBody('github', 'push');
    const req = request({ ...fixtureHeaders('github', 'ghes-push'), 'x-hub-signature': `sha1=${hmacHex('sha1', SECRET, body)}` }, body);
    expect(receiveWebhook(req, settings)).toMatchObject({ status: 202, outcome: 'accepted' });
    const wrong = request({ ...fixtureHeaders('github', 'ghes-push'), 'x-hub-signature': `sha1=${hmacHex('sha1', 'other', body)}` }, body);
    expect(receiveWebhook(wrong, settings)).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISMATCH' });
  });

  it('lets SHA-256 decide when both signatures are present', () => {
    const body = fixtureBody('github', 'push');
    const goodSha1BadSha256 = request({
      ...fixtureHeaders('github', 'push'),
      'x-hub-signature': `sha1=${hmacHex('sha1', SECRET, body)}`,
      'x-hub-signature-256': `sha256=${hmacHex('sha256', 'other', body)}`,
    }, body);
    expect(receiveWebhook(goodSha1BadSha256, settings)).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISMATCH' });
    const badSha1GoodSha256 = request({
      ...fixtureHeaders('github', 'push'),
      'x-hub-signature': `sha1=${hmacHex('sha1', 'other', body)}`,
      'x-hub-signature-256': `sha256=${hmacHex('sha256', SECRET, body)}`,
    }, body);
    expect(receiveWebhook(badSha1GoodSha256, settings)).toMatchObject({ status: 202 });
  });

  it('accepts the legacy form content type, signed over the raw form bytes', () => {
    const json = fixtureBody('github', 'push').toString('utf8');
    const form = `payload=${encodeURIComponent(json)}`;
    const req = request({
      ...fixtureHeaders('github', 'push'),
      'content-type': 'application/x-www-form-urlencoded',
      'x-hub-signature-256': `sha256=${hmacHex('sha256', SECRET, form)}`,
    }, form);
    const decision = receiveWebhook(req, settings);
    expect(decision).toMatchObject({ status: 202, outcome: 'accepted', repo: 'myapp' });
    expect(decision.pushes[0].commits).toHaveLength(2);

    // Signing the decoded JSON instead of the raw body (what Gitea does) must not pass here.
    const jsonSigned = request({ ...req.headers, 'x-hub-signature-256': `sha256=${hmacHex('sha256', SECRET, json)}` } as Record<string, string>, form);
    expect(receiveWebhook(jsonSigned, settings).status).toBe(401);
  });

  it('rejects a wrong secret with 401 naming the setting, never the expected signature', () => {
    const req = signedFixture('github', 'push', 'not-the-secret');
    const decision = receiveWebhook(req, settings);
    expect(decision).toMatchObject({ status: 401, outcome: 'rejected', errorCode: 'IG_SIGNATURE_MISMATCH', repo: 'myapp' });
    expect(decision.reason).toContain('signature mismatch for repo `myapp`');
    expect(decision.reason).toContain("the secret set in the git host's webhook differs from `repos.myapp.secret`");
    const expected = hmacHex('sha256', SECRET, req.rawBody);
    expect(decision.reason).not.toContain(expected);
    expect(decision.reason).not.toContain(SECRET);
    expect(JSON.stringify(decision)).not.toContain(expected);
  });

  it('names secretEnv / secretFile when that is where the secret came from', () => {
    const withSource = settingsWith([{ ...ALL_REPOS[0], secretSource: 'repos.myapp.secretEnv (MYAPP_WEBHOOK_SECRET)' }]);
    const decision = receiveWebhook(signedFixture('github', 'push', 'wrong'), withSource);
    expect(decision.reason).toContain('differs from `repos.myapp.secretEnv (MYAPP_WEBHOOK_SECRET)`');
  });

  it('rejects a missing signature with 401 IG_SIGNATURE_MISSING', () => {
    const req = request(fixtureHeaders('github', 'push'), fixtureBody('github', 'push'));
    const decision = receiveWebhook(req, settings);
    expect(decision).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISSING' });
    expect(decision.reason).toContain('X-Hub-Signature-256');
  });

  it.each([
    ['wrong length', 'sha256=abcdef'],
    ['bad hex', `sha256=${'zz'.repeat(32)}`],
    ['no prefix', hmacHex('sha256', SECRET, 'x')],
    ['wrong prefix', `sha1=${'a'.repeat(64)}`],
    ['empty after prefix', 'sha256='],
    ['a very long value', `sha256=${'a'.repeat(100000)}`],
  ])('answers 401, never a throw, for a signature with %s', (_what, value) => {
    const req = request({ ...fixtureHeaders('github', 'push'), 'x-hub-signature-256': value }, fixtureBody('github', 'push'));
    expect(() => github.verify(req, SECRET)).toThrow(expect.objectContaining({ code: 'IG_SIGNATURE_MISMATCH' }));
    const decision = receiveWebhook(req, settings);
    expect(decision).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISMATCH' });
    // a header of the wrong shape says nothing about the secret (issue 10 item 14)
    expect(decision.reason).toMatch(/^malformed signature for repo `myapp`/);
    expect(decision.reason).not.toContain('secret set in the git host');
  });

  it('rejects a tampered body even with the original signature', () => {
    const req = signedFixture('github', 'push');
    const tampered = request(req.headers as Record<string, string>, req.rawBody.toString('utf8').replace('refs/heads/main', 'refs/heads/prod'));
    expect(receiveWebhook(tampered, settings).status).toBe(401);
  });

  it('answers 400 for a push without a repository block or ref', () => {
    const noRepo = JSON.stringify({ ref: 'refs/heads/main' });
    expect(receiveWebhook(request({ 'x-github-event': 'push' }, noRepo), settings)).toMatchObject({ status: 400, errorCode: 'IG_PAYLOAD_INVALID' });
    const noRef = JSON.stringify({ repository: { clone_url: 'https://github.com/acme/myapp.git' } });
    const decision = receiveWebhook(request({ 'x-github-event': 'push' }, noRef), settings);
    expect(decision).toMatchObject({ status: 400 });
    expect(decision.reason).toContain('`ref`');
  });

  it('refuses a ref git would never accept', () => {
    const body = JSON.stringify({ ref: 'refs/heads/../../etc', repository: { clone_url: 'https://github.com/acme/myapp.git' } });
    expect(receiveWebhook(request({ 'x-github-event': 'push' }, body), settings).status).toBe(400);
  });
});
