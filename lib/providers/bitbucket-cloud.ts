/**
 * Bitbucket Cloud (bitbucket.org).
 * Docs: https://support.atlassian.com/bitbucket-cloud/docs/event-payloads/ (headers, repo:push)
 *       https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/ (webhook secret)
 *       https://bitbucket.org/blog/enhanced-webhook-security
 * Headers: X-Event-Key (`repo:push`), X-Request-UUID (this delivery), X-Hook-UUID (the
 * webhook itself, so never a delivery id), X-Attempt-Number, and, when the webhook has a
 * secret, X-Hub-Signature `sha256=<hex HMAC-SHA256 of the raw body>`.
 * One delivery may name several refs (`push.changes[]`): each becomes one NormalizedPush.
 * A change lists at most 5 commits; `truncated: true` says there were more.
 */
import { IntegralGitError } from '../errors';
import { parseBody } from '../webhook-primitives/parse-body';
import { assertHmac } from '../webhook-primitives/verify-hmac';
import { arr, bool, checkedRef, commitId, distinct, get, getStr, invalid, obj, refParts, splitRawAuthor, str } from './payload-access';
import { header, type IncomingRequest } from '../webhook-primitives/incoming-request';
import type { NormalizedCommit, NormalizedPush } from '../webhook-primitives/normalized-push';
import type { ParsedDelivery, Provider } from './types';

export const bitbucketCloud: Provider = {
  name: 'bitbucket-cloud',

  // Bitbucket Server/Data Center is detected before this provider and claims its own keys.
  detect: (req) => header(req, 'x-event-key') !== undefined,

  parse(req: IncomingRequest): ParsedDelivery {
    const eventType = header(req, 'x-event-key') ?? '';
    const body = parseBody(req);
    const repository = obj(body.repository);
    const base = {
      provider: 'bitbucket-cloud',
      deliveryId: header(req, 'x-request-uuid'),
      eventType,
      repoIdentities: distinct([getStr(repository, 'links', 'html', 'href'), str(repository?.full_name)]),
      webUrl: getStr(repository, 'links', 'html', 'href'),
    };
    if (eventType !== 'repo:push') {
      return { ...base, kind: 'ignored', ignoredReason: `event \`${eventType}\` is not a push`, pushes: [] };
    }
    if (!repository) throw invalid('repo:push payload has no `repository` block');
    const changes = get(body, 'push', 'changes');
    if (!Array.isArray(changes)) throw invalid('repo:push payload has no `push.changes` list');
    const pusher = getStr(body, 'actor', 'display_name') ?? getStr(body, 'actor', 'nickname');
    return { ...base, kind: 'push', pushes: changes.map((change, i) => cloudPush(change, i, pusher)) };
  },

  verify(req: IncomingRequest, secret: string): void {
    const signature = header(req, 'x-hub-signature');
    if (signature === undefined) {
      throw new IntegralGitError(
        'IG_SIGNATURE_MISSING',
        'the delivery has no X-Hub-Signature header: set the webhook\'s Secret in Bitbucket (Repository settings → Webhooks)',
      );
    }
    assertHmac({ algorithm: 'sha256', key: secret, signed: req.rawBody, presented: signature, header: 'X-Hub-Signature', prefix: 'sha256=' });
  },
};

function cloudPush(value: unknown, index: number, pusher: string | undefined): NormalizedPush {
  const change = obj(value);
  if (!change) throw invalid(`push.changes[${index}] is not an object`);
  const next = obj(change.new);
  const old = obj(change.old);
  const state = next ?? old;
  if (!state) throw invalid(`push.changes[${index}] has neither \`new\` nor \`old\``);
  const type = str(state.type);
  const prefix = type === 'tag' || type === 'annotated_tag' ? 'refs/tags/' : 'refs/heads/';
  const ref = checkedRef(typeof state.name === 'string' ? prefix + state.name : undefined, `push.changes[${index}].new.name`);
  const before = commitId(get(old, 'target', 'hash'));
  const after = commitId(get(next, 'target', 'hash'));
  return {
    ref,
    ...refParts(ref),
    before,
    after,
    created: bool(change.created) ?? old === undefined,
    deleted: bool(change.closed) ?? next === undefined,
    forced: bool(change.forced) ?? false,
    commits: arr(change.commits).map(cloudCommit).filter((c): c is NormalizedCommit => c !== null),
    commitsTruncated: bool(change.truncated) ?? false,
    pusher,
    compareUrl: getStr(change, 'links', 'html', 'href'),
  };
}

function cloudCommit(value: unknown): NormalizedCommit | null {
  const id = getStr(value, 'hash');
  if (id === undefined) return null;
  const raw = getStr(value, 'author', 'raw');
  const author = raw !== undefined ? splitRawAuthor(raw) : { name: getStr(value, 'author', 'user', 'display_name') ?? '' };
  const message = get(value, 'message');
  return {
    id,
    message: typeof message === 'string' ? message : '',
    authorName: author.name,
    authorEmail: author.email,
    timestamp: getStr(value, 'date') ?? '',
    url: getStr(value, 'links', 'html', 'href'),
  };
}
