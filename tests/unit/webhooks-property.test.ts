import fc from 'fast-check';
import { receiveWebhook } from '../../lib/webhooks/receive-webhook';
import {
  ALL_REPOS, SECRET, fixtureBody, fixtureHeaders, request, settingsWith, signatureHeaders,
} from '../fixtures/providers/fixture-request';

/**
 * Whatever arrives, receiveWebhook answers with a clear 4xx or a 2xx: never a throw, never
 * a 5xx. Bodies and headers are random, or real fixtures mutated (and then signed
 * correctly, so the parsers behind the signature check are exercised too).
 */
const STATUSES = [200, 202, 400, 401, 403, 404];
const settings = settingsWith(ALL_REPOS, { triggerToken: 'trigger-token' });

const FIXTURES: Array<[string, string]> = [
  ['github', 'push'], ['github', 'ping'], ['github', 'push-tag'], ['github', 'push-delete'],
  ['gitlab', 'push'], ['gitlab', 'tag-push'], ['gitlab', 'system-hook-push'],
  ['bitbucket-cloud', 'push-multi'], ['bitbucket-cloud', 'push-delete'],
  ['bitbucket-server', 'refs-changed'], ['bitbucket-server', 'refs-changed-multi'], ['bitbucket-server', 'ping'],
  ['gitea', 'push'], ['forgejo', 'push'], ['gogs', 'push'], ['gitea', 'delete'],
];

const KNOWN_HEADERS = [
  'x-github-event', 'x-github-delivery', 'x-hub-signature', 'x-hub-signature-256', 'x-gitlab-event', 'x-gitlab-token',
  'idempotency-key', 'x-gitlab-event-uuid', 'webhook-signature', 'webhook-id', 'webhook-timestamp', 'x-event-key',
  'x-request-uuid', 'x-hook-uuid', 'x-request-id', 'x-gitea-event', 'x-gitea-signature', 'x-gitea-delivery',
  'x-forgejo-event', 'x-forgejo-signature', 'x-gogs-event', 'x-gogs-signature', 'x-integralgit-event', 'authorization',
  'content-type',
];
const EVENT_VALUES = ['push', 'ping', 'Push Hook', 'Tag Push Hook', 'System Hook', 'repo:push', 'repo:refs_changed', 'diagnostics:ping', 'trigger', 'issues', ''];
const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/plain', '', 'application/json; charset=utf-8'];

const headerValue = fc.oneof(fc.constantFrom(...EVENT_VALUES, ...CONTENT_TYPES, 'sha256=', 'sha1=00', 'Bearer x', `sha256=${'a'.repeat(64)}`), fc.string({ maxLength: 80 }));
const headers = fc.dictionary(fc.constantFrom(...KNOWN_HEADERS), headerValue, { maxKeys: 8 });
const address = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('::ffff:192.0.2.1', 'garbage', ''));
const basicAuth = fc.option(fc.record({ username: fc.string({ maxLength: 10 }), password: fc.oneof(fc.constant(SECRET), fc.string({ maxLength: 20 })) }), { nil: undefined });

function check(decision: ReturnType<typeof receiveWebhook>): void {
  expect(STATUSES).toContain(decision.status);
  expect(typeof decision.reason).toBe('string');
  expect(decision.reason.length).toBeGreaterThan(0);
  if (decision.outcome !== 'accepted') expect(decision.pushes).toEqual([]);
  for (const push of decision.pushes) {
    expect(typeof push.ref).toBe('string');
    expect(push.branch === null || push.ref === `refs/heads/${push.branch}`).toBe(true);
    expect(push.tag === null || push.ref === `refs/tags/${push.tag}`).toBe(true);
    expect(Array.isArray(push.commits)).toBe(true);
  }
  expect(JSON.stringify(decision)).not.toContain(SECRET);
}

function safeDecide(req: Parameters<typeof receiveWebhook>[0]) {
  let decision: ReturnType<typeof receiveWebhook> | undefined;
  expect(() => { decision = receiveWebhook(req, settings); }).not.toThrow();
  check(decision!);
  return decision!;
}

/** Every path into a JSON value, for targeted mutations. */
function paths(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function mutate(root: unknown, path: Array<string | number>, replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (remove && !Array.isArray(node)) delete node[last];
  else node[last] = replacement;
  return copy;
}

describe('receiveWebhook under random input (fast-check)', () => {
  it('random headers and random bytes', () => {
    fc.assert(
      fc.property(headers, fc.uint8Array({ maxLength: 512 }), address, basicAuth, (h, bytes, remote, auth) => {
        safeDecide(request(h, Buffer.from(bytes), { remoteAddress: remote, basicAuth: auth }));
      }),
      { numRuns: 400 },
    );
  });

  it('random headers and random JSON', () => {
    fc.assert(
      fc.property(headers, fc.jsonValue({ maxDepth: 4 }), (h, json) => {
        safeDecide(request({ 'content-type': 'application/json', ...h }, JSON.stringify(json) ?? 'null'));
      }),
      { numRuns: 400 },
    );
  });

  it('real fixtures with one value replaced or removed, then correctly signed', () => {
    const cases = FIXTURES.map(([provider, name]) => {
      const body = JSON.parse(fixtureBody(provider, name).toString('utf8'));
      return { provider, name, body, paths: paths(body) };
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: cases.length - 1 }),
        fc.nat(),
        fc.jsonValue({ maxDepth: 3 }),
        fc.boolean(),
        fc.boolean(),
        (which, pathIndex, replacement, remove, sign) => {
          const c = cases[which];
          const mutated = JSON.stringify(mutate(c.body, c.paths[pathIndex % c.paths.length], replacement, remove)) ?? 'null';
          const base = fixtureHeaders(c.provider, c.name);
          const req = request({ ...base, ...(sign ? signatureHeaders(c.provider, SECRET, mutated) : {}) }, mutated);
          safeDecide(req);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('real fixtures with bytes flipped, truncated or headers swapped', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FIXTURES),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(),
        fc.option(fc.constantFrom(...KNOWN_HEADERS), { nil: undefined }),
        headerValue,
        ([provider, name], flipAt, byte, cutAt, header, value) => {
          const original = fixtureBody(provider, name);
          const body = Buffer.from(original);
          body[flipAt % body.length] = byte;
          const cut = body.subarray(0, cutAt % (body.length + 1));
          const h: Record<string, string | undefined> = { ...fixtureHeaders(provider, name), ...signatureHeaders(provider, SECRET, cut) };
          if (header !== undefined) h[header] = value;
          safeDecide(request(h, cut));
        },
      ),
      { numRuns: 600 },
    );
  });

  it('form bodies with random payload fields', () => {
    fc.assert(
      fc.property(fc.constantFrom('x-github-event', 'x-gitea-event', 'x-gogs-event', 'x-forgejo-event'), fc.string({ maxLength: 200 }), fc.boolean(), (eventHeader, payload, canon) => {
        const text = canon ? `{"canon_url":${JSON.stringify(payload)}` : payload;
        const body = `payload=${encodeURIComponent(text)}`;
        safeDecide(request({ 'content-type': 'application/x-www-form-urlencoded', [eventHeader]: 'push' }, body));
        safeDecide(request({ 'content-type': 'application/x-www-form-urlencoded' }, body, { basicAuth: { username: 'u', password: SECRET } }));
      }),
      { numRuns: 300 },
    );
  });

  it('an unmutated, correctly signed fixture is never rejected', () => {
    for (const [provider, name] of FIXTURES) {
      const body = fixtureBody(provider, name);
      const decision = safeDecide(request({ ...fixtureHeaders(provider, name), ...signatureHeaders(provider, SECRET, body) }, body));
      expect(decision.outcome).not.toBe('rejected');
    }
  });
});
