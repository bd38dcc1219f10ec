/**
 * The retired Bitbucket "POST" service the original IntegralGit received.
 * Docs: https://confluence.atlassian.com/bitbucket/_postpayload-414187839.html
 * Form-encoded `payload=<JSON>` with `canon_url`, `repository.absolute_url`, and
 * `commits[]` (`branch`, `raw_node`/`node`, `message`, `raw_author`, `utctimestamp`).
 * Only the newest commit of each branch names its branch; earlier ones have
 * `branch: null`, so commits are grouped by the next named commit that follows them.
 *
 * The service cannot sign. It authenticates with HTTP basic auth written into the hook
 * URL (`https://integralgit:SECRET@host/update`): the password must equal the repo
 * secret (constant-time; the user name is ignored). Without it only a repo marked
 * `insecure` accepts the delivery.
 */
import { IntegralGitError } from '../errors';
import { tokensEqual } from '../webhook-primitives/compare-token';
import { bodyFormat, parseJsonObject } from '../webhook-primitives/parse-body';
import { arr, checkedRef, distinct, get, getStr, invalid, obj, splitRawAuthor, str, type Json } from './payload-access';
import { header, type IncomingRequest } from '../webhook-primitives/incoming-request';
import type { NormalizedCommit, NormalizedPush } from '../webhook-primitives/normalized-push';
import type { ParsedDelivery, Provider } from './types';

const KNOWN_EVENT_HEADERS = ['x-github-event', 'x-gitlab-event', 'x-event-key', 'x-gitea-event', 'x-gogs-event', 'x-forgejo-event'];

export const bitbucketLegacy: Provider = {
  name: 'bitbucket-legacy',

  detect(req) {
    if (KNOWN_EVENT_HEADERS.some((h) => header(req, h) !== undefined)) return false;
    try {
      if (bodyFormat(req) !== 'form') return false;
      const payload = new URLSearchParams(req.rawBody.toString('utf8')).get('payload');
      return payload !== null && /"canon_url"\s*:/.test(payload);
    } catch {
      return false;
    }
  },

  parse(req: IncomingRequest): ParsedDelivery {
    const payload = new URLSearchParams(req.rawBody.toString('utf8')).get('payload');
    if (payload === null) throw invalid('form body has no `payload` field');
    const body = parseJsonObject(payload, 'the form field `payload`');
    const canon = str(body.canon_url);
    const path = getStr(body, 'repository', 'absolute_url');
    if (canon === undefined || path === undefined) {
      throw invalid('legacy Bitbucket payload needs `canon_url` and `repository.absolute_url`');
    }
    const webUrl = canon.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '');
    const ownerName = path.replace(/^\/+|\/+$/g, '');
    const pushes = legacyPushes(body);
    return {
      provider: 'bitbucket-legacy',
      eventType: 'push',
      kind: pushes.length > 0 ? 'push' : 'ignored',
      ignoredReason: pushes.length > 0 ? undefined : 'the payload lists no commit with a branch, so no ref was pushed',
      repoIdentities: distinct([webUrl, ownerName]),
      webUrl,
      pushes,
    };
  },

  verify(req: IncomingRequest, secret: string): void {
    if (req.basicAuth === undefined) {
      throw new IntegralGitError(
        'IG_SIGNATURE_MISSING',
        'legacy Bitbucket POST deliveries cannot be signed: put the secret in the hook URL as https://integralgit:SECRET@host/update',
      );
    }
    if (!tokensEqual(req.basicAuth.password, secret)) {
      throw new IntegralGitError('IG_SIGNATURE_MISMATCH', 'the password in the hook URL differs from the repo secret');
    }
  },
};

function legacyPushes(body: Json): NormalizedPush[] {
  const byBranch = new Map<string, NormalizedCommit[]>();
  let pending: NormalizedCommit[] = [];
  for (const entry of arr(body.commits)) {
    const commit = legacyCommit(entry);
    if (commit === null) continue;
    pending.push(commit);
    const branch = getStr(entry, 'branch');
    if (branch === undefined) continue;
    byBranch.set(branch, [...(byBranch.get(branch) ?? []), ...pending]);
    pending = [];
  }
  const pusher = str(body.user);
  return [...byBranch.entries()].map(([branch, commits]) => ({
    ref: checkedRef(`refs/heads/${branch}`, 'commits[].branch'),
    branch,
    tag: null,
    before: null,
    after: commits[commits.length - 1].id,
    created: false,
    deleted: false,
    forced: false,
    commits,
    // The service sent "recent" commits, never a promise of all of them.
    commitsTruncated: true,
    pusher,
  }));
}

function legacyCommit(value: unknown): NormalizedCommit | null {
  if (!obj(value)) return null;
  const id = getStr(value, 'raw_node') ?? getStr(value, 'node');
  if (id === undefined) return null;
  const raw = getStr(value, 'raw_author');
  const author = raw !== undefined ? splitRawAuthor(raw) : { name: getStr(value, 'author') ?? '' };
  const message = get(value, 'message');
  return {
    id,
    message: typeof message === 'string' ? message : '',
    authorName: author.name,
    authorEmail: author.email,
    timestamp: legacyTime(getStr(value, 'utctimestamp') ?? getStr(value, 'timestamp')),
  };
}

/** `2012-05-30 03:58:56+00:00` → `2012-05-30T03:58:56.000Z`; left as written when unreadable. */
function legacyTime(value: string | undefined): string {
  if (value === undefined) return '';
  const date = new Date(value.replace(' ', 'T'));
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}
