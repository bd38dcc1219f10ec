/**
 * Bitbucket Server / Data Center.
 * Docs: https://confluence.atlassian.com/bitbucketserver/event-payload-938025882.html (headers, repo:refs_changed, diagnostics:ping)
 *       https://confluence.atlassian.com/bitbucketserver/manage-webhooks-938025878.html (secret, basic auth)
 * Headers: X-Event-Key, X-Request-Id (this delivery), X-Hub-Signature `sha256=<hex>` when
 * the webhook has a secret, Authorization (Basic) when it has credentials configured.
 * "Test connection" sends `diagnostics:ping`. A push lists `changes[]` (refId, fromHash,
 * toHash, type ADD/UPDATE/DELETE) and, in older versions, no commits at all, so commits
 * are always marked truncated: the caller reads them from the fetched repository.
 */
import { IntegralGitError } from '../errors';
import { tokensEqual } from '../webhook-primitives/compare-token';
import { parseBody } from '../webhook-primitives/parse-body';
import { assertHmac } from '../webhook-primitives/verify-hmac';
import { arr, checkedRef, commitId, distinct, get, getStr, invalid, obj, refParts, str, type Json } from './payload-access';
import { header, type IncomingRequest } from '../webhook-primitives/incoming-request';
import type { NormalizedCommit, NormalizedPush } from '../webhook-primitives/normalized-push';
import type { ParsedDelivery, Provider } from './types';

const SERVER_KEYS = /^(repo:refs_changed|repo:modified|repo:forked|repo:comment:|pr:|project:|mirror:|diagnostics:ping)/;

export const bitbucketServer: Provider = {
  name: 'bitbucket-server',

  detect(req) {
    const key = header(req, 'x-event-key');
    if (key === undefined) return false;
    // Bitbucket Cloud always sends X-Hook-UUID / X-Request-UUID; Server sends X-Request-Id.
    if (header(req, 'x-hook-uuid') !== undefined || header(req, 'x-request-uuid') !== undefined) return false;
    return header(req, 'x-request-id') !== undefined || SERVER_KEYS.test(key);
  },

  parse(req: IncomingRequest): ParsedDelivery {
    const eventType = header(req, 'x-event-key') ?? '';
    const body = parseBody(req);
    const repository = obj(body.repository);
    const base = {
      provider: 'bitbucket-server',
      deliveryId: header(req, 'x-request-id'),
      eventType,
      repoIdentities: repository ? serverIdentities(repository) : [],
      webUrl: repository ? str(get(arr(get(repository, 'links', 'self'))[0], 'href')) : undefined,
    };
    if (eventType === 'diagnostics:ping') return { ...base, kind: 'ping', pushes: [] };
    if (eventType !== 'repo:refs_changed') {
      return { ...base, kind: 'ignored', ignoredReason: `event \`${eventType}\` is not a push`, pushes: [] };
    }
    if (!repository) throw invalid('repo:refs_changed payload has no `repository` block');
    if (!Array.isArray(body.changes)) throw invalid('repo:refs_changed payload has no `changes` list');
    const changes = body.changes;
    const pusher = getStr(body, 'actor', 'displayName') ?? getStr(body, 'actor', 'name');
    // Newer Data Center versions add up to 5 `commits`, without saying which ref they
    // belong to: they are only attached when the delivery names a single ref.
    const listed = changes.length === 1 ? serverCommits(body.commits) : [];
    return { ...base, kind: 'push', pushes: changes.map((c, i) => serverPush(c, i, pusher, listed)) };
  },

  verify(req: IncomingRequest, secret: string): void {
    const signature = header(req, 'x-hub-signature');
    if (signature !== undefined) {
      const algorithm = signature.toLowerCase().startsWith('sha1=') ? 'sha1' : 'sha256';
      assertHmac({ algorithm, key: secret, signed: req.rawBody, presented: signature, header: 'X-Hub-Signature', prefix: `${algorithm}=` });
      return;
    }
    // A webhook may authenticate with basic auth instead of a secret; the password is the repo secret.
    if (req.basicAuth !== undefined) {
      if (!tokensEqual(req.basicAuth.password, secret)) {
        throw new IntegralGitError('IG_SIGNATURE_MISMATCH', 'the basic-auth password differs from the repo secret');
      }
      return;
    }
    throw new IntegralGitError(
      'IG_SIGNATURE_MISSING',
      'the delivery has no X-Hub-Signature header: set the webhook\'s Secret in Bitbucket (Repository settings → Webhooks)',
    );
  },
};

function serverIdentities(repository: Json): string[] {
  const clones = arr(get(repository, 'links', 'clone')).map((c) => getStr(c, 'href'));
  const self = arr(get(repository, 'links', 'self')).map((c) => getStr(c, 'href'));
  const key = getStr(repository, 'project', 'key');
  const slug = str(repository.slug);
  return distinct([...clones, ...self, key && slug ? `${key}/${slug}` : undefined]);
}

function serverPush(value: unknown, index: number, pusher: string | undefined, commits: NormalizedCommit[]): NormalizedPush {
  const change = obj(value);
  if (!change) throw invalid(`changes[${index}] is not an object`);
  const ref = checkedRef(change.refId ?? get(change, 'ref', 'id'), `changes[${index}].refId`);
  const before = commitId(change.fromHash);
  const after = commitId(change.toHash);
  const type = str(change.type);
  return {
    ref,
    ...refParts(ref),
    before,
    after,
    created: type === 'ADD' || before === null,
    deleted: type === 'DELETE' || after === null,
    // Bitbucket Server reports a force push as a plain UPDATE.
    forced: false,
    commits: type === 'DELETE' ? [] : commits,
    commitsTruncated: true,
    pusher,
  };
}

function serverCommits(value: unknown): NormalizedCommit[] {
  return arr(value)
    .map((c): NormalizedCommit | null => {
      const id = getStr(c, 'id');
      if (id === undefined) return null;
      const when = get(c, 'authorTimestamp');
      const message = get(c, 'message');
      return {
        id,
        message: typeof message === 'string' ? message : '',
        authorName: getStr(c, 'author', 'name') ?? '',
        authorEmail: getStr(c, 'author', 'emailAddress'),
        timestamp: typeof when === 'number' && Number.isFinite(when) ? safeIso(when) : '',
      };
    })
    .filter((c): c is NormalizedCommit => c !== null);
}

function safeIso(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}
