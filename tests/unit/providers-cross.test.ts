import { PROVIDERS, detectProvider } from '../../lib/providers/registry';
import { receiveWebhook } from '../../lib/webhooks/receive-webhook';
import {
  ALL_REPOS, SECRET, fixtureBody, fixtureHeaders, request, settingsWith, signatureHeaders,
} from '../fixtures/providers/fixture-request';

const settings = settingsWith(ALL_REPOS);

/** A representative push fixture per host, and the headers that fixture arrives with. */
const HOSTS: Array<[string, string]> = [
  ['github', 'push'],
  ['gitlab', 'push'],
  ['bitbucket-cloud', 'push-multi'],
  ['bitbucket-server', 'refs-changed'],
  ['gitea', 'push'],
  ['forgejo', 'push'],
  ['gogs', 'push'],
];

describe('registry', () => {
  it('lists providers most specific first', () => {
    expect(PROVIDERS.map((p) => p.name)).toEqual([
      'forgejo', 'gitea', 'gogs', 'gitlab', 'bitbucket-server', 'bitbucket-cloud', 'github', 'generic', 'bitbucket-legacy',
    ]);
  });

  it.each(HOSTS)('detects %s from its own headers', (host, name) => {
    expect(detectProvider(request(fixtureHeaders(host, name), fixtureBody(host, name)))?.name).toBe(host);
  });

  it('answers 400 naming the expected headers when no provider is recognised', () => {
    const decision = receiveWebhook(request({ 'content-type': 'application/json' }, '{"ref":"refs/heads/main"}'), settings);
    expect(decision).toMatchObject({ status: 400, outcome: 'rejected', errorCode: 'IG_PAYLOAD_INVALID' });
    expect(decision.reason).toMatch(/^unrecognised webhook: no known provider headers \(X-GitHub-Event, X-Gitlab-Event, /);
  });
});

/**
 * GitHub, Gitea, Forgejo and Gogs share one payload format on purpose (Gitea even sends
 * GitHub's headers and X-Hub-Signature-256), so within that family a correctly signed body
 * is a valid delivery whichever of the family's headers it carries.
 */
const GITHUB_FAMILY = new Set(['github', 'gitea', 'forgejo', 'gogs']);

describe("provider A's body with provider B's headers", () => {
  const pairs = HOSTS.flatMap(([a, aName]) => HOSTS.filter(([b]) => b !== a).map(([b, bName]) => [a, aName, b, bName] as const));
  const incompatible = pairs.filter(([a, , b]) => !(GITHUB_FAMILY.has(a) && GITHUB_FAMILY.has(b)));
  const compatible = pairs.filter(([a, , b]) => GITHUB_FAMILY.has(a) && GITHUB_FAMILY.has(b));

  it.each(incompatible)('%s body (%s) under %s headers, signed for B, is never accepted', (a, aName, b, bName) => {
    const body = fixtureBody(a, aName);
    const req = request({ ...fixtureHeaders(b, bName), ...signatureHeaders(b, SECRET, body) }, body);
    const decision = receiveWebhook(req, settings);
    expect(decision.outcome).not.toBe('accepted');
    expect([202, 400, 401, 404]).toContain(decision.status);
  });

  it.each(incompatible)('%s body (%s) under %s headers, signed for A, is rejected', (a, aName, b, bName) => {
    const body = fixtureBody(a, aName);
    const req = request({ ...fixtureHeaders(b, bName), ...signatureHeaders(a, SECRET, body) }, body);
    const decision = receiveWebhook(req, settings);
    expect(decision.outcome).not.toBe('accepted');
    expect(decision.outcome).not.toBe('ping');
  });

  it.each(compatible)('%s body (%s) under %s headers is read exactly as its own host would', (a, aName, b, bName) => {
    const body = fixtureBody(a, aName);
    const native = receiveWebhook(request({ ...fixtureHeaders(a, aName), ...signatureHeaders(a, SECRET, body) }, body), settings);
    const crossed = receiveWebhook(request({ ...fixtureHeaders(b, bName), ...signatureHeaders(b, SECRET, body) }, body), settings);
    expect(native.outcome).toBe('accepted');
    expect(crossed.repo).toBe(native.repo);
    expect(crossed.pushes.map(({ ref, before, after, deleted }) => ({ ref, before, after, deleted })))
      .toEqual(native.pushes.map(({ ref, before, after, deleted }) => ({ ref, before, after, deleted })));
  });
});
