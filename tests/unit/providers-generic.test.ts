import { generic } from '../../lib/providers/generic';
import { receiveWebhook } from '../../lib/webhooks/receive-webhook';
import { ALL_REPOS, SECRET, fixtureBody, repo, request, settingsWith } from '../fixtures/providers/fixture-request';

const TRIGGER_TOKEN = 'ci-trigger-token-42';
const settings = settingsWith(ALL_REPOS, { triggerToken: TRIGGER_TOKEN });

function trigger(body: string | Buffer, token?: string, extra: Record<string, string> = {}) {
  return request({
    'x-integralgit-event': 'trigger',
    'content-type': 'application/json',
    ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  }, body);
}

describe('generic JSON trigger', () => {
  const body = fixtureBody('generic', 'trigger');

  it('accepts the server-wide triggerToken for a repo named by its settings key', () => {
    const decision = receiveWebhook(trigger(body, TRIGGER_TOKEN, { 'x-integralgit-delivery': 'ci-run-981' }), settings);
    expect(decision).toMatchObject({ status: 202, outcome: 'accepted', provider: 'generic', repo: 'myapp', eventType: 'trigger', deliveryId: 'ci-run-981' });
    expect(decision.pushes).toEqual([{
      ref: 'refs/heads/main', branch: 'main', tag: null, before: null, after: null,
      created: false, deleted: false, forced: false, commits: [], commitsTruncated: true, pusher: 'trigger',
    }]);
  });

  it("accepts the repo's own secret too", () => {
    expect(receiveWebhook(trigger(body, SECRET), settings)).toMatchObject({ status: 202, repo: 'myapp' });
  });

  it('finds the repo by URL', () => {
    const byUrl = JSON.stringify({ repo: 'git@github.com:acme/myapp.git', branch: 'release/2.0' });
    const decision = receiveWebhook(trigger(byUrl, TRIGGER_TOKEN), settings);
    expect(decision).toMatchObject({ status: 202, repo: 'myapp' });
    expect(decision.pushes[0].branch).toBe('release/2.0');
  });

  it('rejects a wrong token naming both accepted settings, and a missing one', () => {
    const wrong = receiveWebhook(trigger(body, 'guess'), settings);
    expect(wrong).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISMATCH' });
    expect(wrong.reason).toContain('`triggerToken` or `repos.myapp.secret`');
    expect(wrong.reason).not.toContain(TRIGGER_TOKEN);
    expect(receiveWebhook(trigger(body), settings)).toMatchObject({ status: 401, errorCode: 'IG_SIGNATURE_MISSING' });
    expect(receiveWebhook(trigger(body, undefined, { authorization: `Basic ${TRIGGER_TOKEN}` }), settings).status).toBe(401);
  });

  it('without a triggerToken only the repo secret works', () => {
    const noToken = settingsWith(ALL_REPOS);
    expect(receiveWebhook(trigger(body, TRIGGER_TOKEN), noToken).status).toBe(401);
    expect(receiveWebhook(trigger(body, SECRET), noToken).status).toBe(202);
  });

  it('answers 404 for a repo name not in the settings, without confusing it with Object prototype keys', () => {
    for (const name of ['nope', 'constructor', '__proto__', 'toString']) {
      const decision = receiveWebhook(trigger(JSON.stringify({ repo: name, branch: 'main' }), TRIGGER_TOKEN), settings);
      expect(decision).toMatchObject({ status: 404, errorCode: 'IG_REPO_UNKNOWN' });
    }
  });

  it.each([
    ['{"repo":"myapp"}', '"branch"'],
    ['{"branch":"main"}', '"repo"'],
    ['{"repo":"myapp","branch":"main","brnach":"x"}', 'unknown key `brnach`'],
    ['{"repo":"myapp","branch":"bad name"}', 'not a valid git ref'],
    ['{"repo":"myapp","branch":"a..b"}', 'not a valid git ref'],
    ['{"repo":"myapp","branch":"-x"}', 'not a valid git ref'],
    ['[1,2]', 'must be a JSON object'],
    ['{"repo":', 'not valid JSON'],
  ])('answers 400 for %s', (text, expected) => {
    const decision = receiveWebhook(trigger(text, TRIGGER_TOKEN), settings);
    expect(decision).toMatchObject({ status: 400, errorCode: 'IG_PAYLOAD_INVALID' });
    expect(decision.reason).toContain(expected);
  });

  it('is detected only with X-IntegralGit-Event: trigger', () => {
    expect(generic.detect(trigger(body, TRIGGER_TOKEN))).toBe(true);
    const plain = request({ 'content-type': 'application/json', authorization: `Bearer ${TRIGGER_TOKEN}` }, body);
    expect(generic.detect(plain)).toBe(false);
    expect(receiveWebhook(plain, settings)).toMatchObject({ status: 400 });
  });

  it('an insecure repo needs no token', () => {
    const insecure = settingsWith([repo('myapp', 'https://github.com/acme/myapp', { secret: undefined, insecure: true })]);
    expect(receiveWebhook(trigger(body), insecure)).toMatchObject({ status: 202, outcome: 'accepted' });
  });
});
