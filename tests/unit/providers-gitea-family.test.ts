import { forgejo } from '../../lib/providers/forgejo';
import { gitea } from '../../lib/providers/gitea';
import { gogs } from '../../lib/providers/gogs';
import { detectProvider } from '../../lib/providers/registry';
import { receiveWebhook } from '../../lib/webhooks/receive-webhook';
import {
  ALL_REPOS, SECRET, fixtureBody, fixtureHeaders, hmacHex, request, settingsWith, signedFixture,
} from '../fixtures/providers/fixture-request';

const settings = settingsWith(ALL_REPOS);

describe.each([
  ['gitea', 'giteaapp', 'X-Gitea-Signature'],
  ['forgejo', 'forgejoapp', 'X-Forgejo-Signature'],
])('%s provider', (provider, repoName, signatureHeader) => {
  it('accepts a signed push and normalises it', () => {
    const decision = receiveWebhook(signedFixture(provider, 'push'), settings);
    expect(decision).toMatchObject({ status: 202, outcome: 'accepted', provider, repo: repoName, deliveryId: 'f6266f16-1bf3-46a5-9ea4-602e06ead473' });
    expect(decision.pushes[0]).toMatchObject({
      ref: 'refs/heads/main', branch: 'main', before: '28e1879d029cb852e4844d9c718537df08844e03', after: 'bffeb74224043ba2feb48d137756c8a9331c449a',
      created: false, deleted: false, commitsTruncated: false, pusher: 'janedoe',
    });
    expect(decision.pushes[0].commits[1]).toMatchObject({ id: 'bffeb74224043ba2feb48d137756c8a9331c449a', message: 'Webhooks Yay!\n', authorName: 'Jane Doe', authorEmail: 'jane@acme.example' });
  });

  it('returns a tag push and a deletion', () => {
    expect(receiveWebhook(signedFixture(provider, 'push-tag'), settings).pushes[0]).toMatchObject({ tag: 'v1.4.0', created: true });
    expect(receiveWebhook(signedFixture(provider, 'push-delete'), settings).pushes[0]).toMatchObject({ branch: 'feature/login', deleted: true, after: null });
  });

  it('ignores the separate `delete` event with 202', () => {
    expect(receiveWebhook(signedFixture(provider, 'delete'), settings)).toMatchObject({ status: 202, outcome: 'ignored', reason: 'event `delete` is not a push' });
  });

  it('verifies the form content type over the JSON payload, not the raw form bytes', () => {
    const json = fixtureBody(provider, 'push').toString('utf8');
    // Go's url.Values.Encode writes spaces as '+'.
    const form = `payload=${encodeURIComponent(json).replace(/%20/g, '+')}`;
    const headers = { ...fixtureHeaders(provider, 'push'), 'content-type': 'application/x-www-form-urlencoded' };
    const overJson = request({ ...headers, [signatureHeader.toLowerCase()]: hmacHex('sha256', SECRET, json) }, form);
    expect(receiveWebhook(overJson, settings)).toMatchObject({ status: 202, outcome: 'accepted' });
    const overForm = request({ ...headers, [signatureHeader.toLowerCase()]: hmacHex('sha256', SECRET, form) }, form);
    expect(receiveWebhook(overForm, settings).status).toBe(401);
  });

  it('rejects a wrong secret, a missing signature and a prefixed one', () => {
    expect(receiveWebhook(signedFixture(provider, 'push', 'wrong'), settings)).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISMATCH' });
    const unsigned = request(fixtureHeaders(provider, 'push'), fixtureBody(provider, 'push'));
    const missing = receiveWebhook(unsigned, settings);
    expect(missing).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISSING' });
    expect(missing.reason).toContain(signatureHeader);
    const body = fixtureBody(provider, 'push');
    const prefixed = request({ ...fixtureHeaders(provider, 'push'), [signatureHeader.toLowerCase()]: `sha256=${hmacHex('sha256', SECRET, body)}` }, body);
    expect(receiveWebhook(prefixed, settings).status).toBe(401);
  });
});

describe('Gogs provider', () => {
  it('accepts a signed push', () => {
    const decision = receiveWebhook(signedFixture('gogs', 'push'), settings);
    expect(decision).toMatchObject({ status: 202, outcome: 'accepted', provider: 'gogs', repo: 'gogsapp', deliveryId: 'e2b1c3d4-5f6a-4b7c-8d9e-0f1a2b3c4d5e' });
    expect(decision.pushes[0]).toMatchObject({ ref: 'refs/heads/master', commits: [expect.objectContaining({ message: 'Update README\n' })], commitsTruncated: false });
  });

  it('rejects a wrong or missing X-Gogs-Signature', () => {
    expect(receiveWebhook(signedFixture('gogs', 'push', 'wrong'), settings).status).toBe(401);
    expect(receiveWebhook(request(fixtureHeaders('gogs', 'push'), fixtureBody('gogs', 'push')), settings)).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISSING' });
  });
});

describe('detection among the Gogs family', () => {
  it('detects a Forgejo delivery that carries Gitea, Gogs and GitHub headers as Forgejo', () => {
    const req = signedFixture('forgejo', 'push');
    expect(req.headers['x-gitea-event']).toBe('push');
    expect(req.headers['x-gogs-event']).toBe('push');
    expect(req.headers['x-github-event']).toBe('push');
    expect(detectProvider(req)?.name).toBe('forgejo');
    expect(gitea.detect(req)).toBe(false);
    expect(gogs.detect(req)).toBe(false);
    expect(forgejo.detect(req)).toBe(true);
  });

  it('detects a Gitea delivery (with Gogs and GitHub headers) as Gitea, and Gogs (with GitHub headers) as Gogs', () => {
    expect(detectProvider(signedFixture('gitea', 'push'))?.name).toBe('gitea');
    expect(detectProvider(signedFixture('gogs', 'push'))?.name).toBe('gogs');
  });

  it('does not accept a Gitea form delivery as GitHub even though it carries X-Hub-Signature-256', () => {
    // Gitea's X-Hub-Signature-256 covers the JSON, not the form body GitHub signs.
    const json = fixtureBody('gitea', 'push').toString('utf8');
    const form = `payload=${encodeURIComponent(json)}`;
    const sig = hmacHex('sha256', SECRET, json);
    const req = request({ ...fixtureHeaders('gitea', 'push'), 'content-type': 'application/x-www-form-urlencoded', 'x-gitea-signature': sig, 'x-hub-signature-256': `sha256=${sig}` }, form);
    expect(receiveWebhook(req, settings)).toMatchObject({ status: 202, provider: 'gitea' });
  });
});
