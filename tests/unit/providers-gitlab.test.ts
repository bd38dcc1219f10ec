import path from 'node:path';
import fs from 'node:fs';
import { createHmac } from 'node:crypto';
import { gitlab } from '../../lib/providers/gitlab';
import { receiveWebhook } from '../../lib/webhooks/receive-webhook';
import { compareSigningToken } from '../../lib/webhook-primitives/standard-webhooks';
import {
  ALL_REPOS, SECRET, fixtureBody, fixtureHeaders, repo, request, settingsWith, signedFixture,
} from '../fixtures/providers/fixture-request';

const settings = settingsWith(ALL_REPOS);

describe('GitLab provider', () => {
  it('accepts a Push Hook with the right X-Gitlab-Token and normalises it', () => {
    const decision = receiveWebhook(signedFixture('gitlab', 'push'), settings);
    expect(decision).toMatchObject({ status: 202, outcome: 'accepted', provider: 'gitlab', repo: 'diaspora', eventType: 'Push Hook' });
    expect(decision.pushes).toHaveLength(1);
    expect(decision.pushes[0]).toMatchObject({
      ref: 'refs/heads/master', branch: 'master', tag: null,
      before: '95790bf891e76fee5e1747ab589903a6a1f80f22', after: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      created: false, deleted: false, forced: false, pusher: 'jsmith',
      // total_commits_count 4, two listed
      commitsTruncated: true,
    });
    expect(decision.pushes[0].commits[1]).toEqual({
      id: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7', message: 'fixed readme', authorName: 'GitLab dev user',
      authorEmail: 'gitlabdev@dv6700.(none)', timestamp: '2012-01-03T23:36:29+02:00',
      url: 'https://gitlab.acme.example/mike/diaspora/commit/da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
    });
  });

  it('uses Idempotency-Key as the delivery id (stable across retries), else X-Gitlab-Event-UUID', () => {
    expect(receiveWebhook(signedFixture('gitlab', 'push'), settings).deliveryId).toBe('f6b5a1c0-7e3d-4b2a-9c8f-1d0e2f3a4b5c');
    const req = signedFixture('gitlab', 'push');
    delete req.headers['idempotency-key'];
    expect(receiveWebhook(req, settings).deliveryId).toBe('13792a34-cac6-4fda-95a8-c58e00a3954e');
    delete req.headers['x-gitlab-event-uuid'];
    // X-Gitlab-Webhook-UUID names the hook, the same for every delivery: never a delivery id.
    expect(receiveWebhook(req, settings).deliveryId).toBeUndefined();
  });

  it('returns a Tag Push Hook as a created tag', () => {
    const decision = receiveWebhook(signedFixture('gitlab', 'tag-push'), settings);
    expect(decision.pushes[0]).toMatchObject({ ref: 'refs/tags/v1.0.0', tag: 'v1.0.0', branch: null, before: null, created: true, commits: [], commitsTruncated: false });
  });

  it('returns a branch deletion', () => {
    const decision = receiveWebhook(signedFixture('gitlab', 'push-delete', SECRET, 'push'), settings);
    expect(decision.pushes[0]).toMatchObject({ branch: 'feature/old-login', after: null, deleted: true });
  });

  it('accepts a System Hook push and ignores other system hook events', () => {
    const push = receiveWebhook(signedFixture('gitlab', 'system-hook-push'), settings);
    expect(push).toMatchObject({ status: 202, outcome: 'accepted', eventType: 'System Hook', repo: 'diaspora' });
    expect(push.pushes[0].branch).toBe('master');
    // A non-push system hook event names no configured repo; its token is checked against
    // the configured secrets, and a valid one gets 202 (GitLab disables hooks that get 4xx).
    const other = signedFixture('gitlab', 'system-hook-project-create', SECRET, 'system-hook-push');
    expect(gitlab.parse(other)).toMatchObject({ kind: 'ignored', ignoredReason: 'system hook event `project_create` is not a push', repoIdentities: [] });
    expect(receiveWebhook(other, settings)).toMatchObject({ status: 202, outcome: 'ignored' });
    expect(receiveWebhook(signedFixture('gitlab', 'system-hook-project-create', 'wrong', 'system-hook-push'), settings)).toMatchObject({ status: 401 });
  });

  it('ignores other hooks with 202', () => {
    const req = signedFixture('gitlab', 'push');
    req.headers['x-gitlab-event'] = 'Merge Request Hook';
    expect(receiveWebhook(req, settings)).toMatchObject({ status: 202, outcome: 'ignored', reason: 'event `Merge Request Hook` is not a push' });
  });

  it('answers 400 when the header says push but the body is something else', () => {
    const req = request({ ...fixtureHeaders('gitlab', 'push'), 'x-gitlab-token': SECRET }, JSON.stringify({ object_kind: 'merge_request', project: { git_http_url: 'https://gitlab.acme.example/mike/diaspora.git' } }));
    const decision = receiveWebhook(req, settings);
    expect(decision).toMatchObject({ status: 400, errorCode: 'IG_PAYLOAD_INVALID' });
    expect(decision.reason).toContain('object_kind');
  });

  it('rejects a wrong token (401 mismatch) and a missing one (401 missing)', () => {
    expect(receiveWebhook(signedFixture('gitlab', 'push', 'wrong-token'), settings)).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISMATCH' });
    const missing = request(fixtureHeaders('gitlab', 'push'), fixtureBody('gitlab', 'push'));
    const decision = receiveWebhook(missing, settings);
    expect(decision).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISSING' });
    expect(decision.reason).toContain('X-Gitlab-Token');
  });

  it('never matches an empty token against anything', () => {
    const req = signedFixture('gitlab', 'push', '');
    expect(() => gitlab.verify(req, SECRET)).toThrow();
  });

  describe('signing token (webhook-signature, Standard Webhooks)', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const signingToken = `whsec_${key.toString('base64')}`;
    const signingSettings = settingsWith([repo('diaspora', 'git@gitlab.acme.example:mike/diaspora.git', { secret: signingToken })]);

    function signed(timestamp: number, token = key, id = 'f6b5a1c0-7e3d-4b2a-9c8f-1d0e2f3a4b5c') {
      const body = fixtureBody('gitlab', 'push');
      const mac = createHmac('sha256', token).update(`${id}.${timestamp}.`).update(body).digest('base64');
      return request({ ...fixtureHeaders('gitlab', 'push'), 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${mac}` }, body);
    }
    const now = Math.floor(Date.now() / 1000);

    it('accepts a correctly signed delivery', () => {
      expect(receiveWebhook(signed(now), signingSettings)).toMatchObject({ status: 202, outcome: 'accepted' });
    });

    it('accepts when one of several space-separated signatures matches', () => {
      const req = signed(now);
      req.headers['webhook-signature'] = `v1,${Buffer.alloc(32).toString('base64')} ${req.headers['webhook-signature']}`;
      expect(() => compareSigningToken(req, signingToken, 'GitLab')).not.toThrow();
    });

    it('rejects a signature made with another key, a stale timestamp, and missing headers', () => {
      expect(receiveWebhook(signed(now, Buffer.from('another key of 32 bytes.........')), signingSettings)).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISMATCH' });
      const stale = receiveWebhook(signed(now - 3600), signingSettings);
      expect(stale).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISMATCH' });
      expect(stale.reason).toContain('webhook-timestamp');
      const plain = signedFixture('gitlab', 'push'); // X-Gitlab-Token holds another secret, no webhook-signature
      expect(receiveWebhook(plain, signingSettings)).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISMATCH' });
      const none = request({ ...fixtureHeaders('gitlab', 'push') }, fixtureBody('gitlab', 'push'));
      delete none.headers['x-gitlab-token'];
      expect(receiveWebhook(none, signingSettings)).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISSING' });
    });

    it('accepts the token verbatim in X-Gitlab-Token when there is no webhook-signature (signing off, as a current GitLab sends it)', () => {
      // the real capture's body, with the envelope-only headers SOURCES.md documents for gitlab-ee 19.3.0
      const body = fs.readFileSync(path.join(__dirname, '../fixtures/real-payloads/gitlab/captured-git-auto-deploy-push.json'));
      const headers = { 'content-type': 'application/json', 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': signingToken, 'webhook-id': 'msg_1', 'webhook-timestamp': String(now) };
      expect(() => gitlab.verify(request(headers, body), signingToken)).not.toThrow();
      expect(() => gitlab.verify(request({ ...headers, 'x-gitlab-token': `${signingToken}x` }, body), signingToken)).toThrow(/X-Gitlab-Token differs/);
    });

    it.each(['v1,', 'v1,!!!!', 'v2,abc', 'garbage'])('answers 401, not a throw, for webhook-signature %p', (value) => {
      const req = signed(now);
      req.headers['webhook-signature'] = value;
      expect(receiveWebhook(req, signingSettings)).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISMATCH' });
    });
  });
});
