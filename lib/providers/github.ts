/**
 * GitHub and GitHub Enterprise Server.
 * Docs: https://docs.github.com/en/webhooks/webhook-events-and-payloads (delivery headers, push, ping)
 *       https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 * Headers: X-GitHub-Event, X-GitHub-Delivery, X-Hub-Signature-256 (`sha256=<hex>`) and,
 * from older GHES (2.x) or for compatibility, X-Hub-Signature (`sha1=<hex>`). The HMAC is
 * over the raw body as sent, also for the form content type (`payload=<urlencoded JSON>`).
 */
import { IntegralGitError } from '../errors';
import { parseBody } from '../webhook-primitives/parse-body';
import { assertHmac } from '../webhook-primitives/verify-hmac';
import { hookCommits } from './hook-commit';
import { bool, checkedRef, commitId, distinct, getStr, invalid, obj, refParts, str } from './payload-access';
import { header, type IncomingRequest } from '../webhook-primitives/incoming-request';
import type { NormalizedPush } from '../webhook-primitives/normalized-push';
import type { ParsedDelivery, Provider } from './types';

/** GitHub puts at most 2048 commits in a push payload. */
const GITHUB_COMMIT_CAP = 2048;

export const github: Provider = {
  name: 'github',

  detect: (req) => header(req, 'x-github-event') !== undefined,

  parse(req: IncomingRequest): ParsedDelivery {
    const eventType = header(req, 'x-github-event') ?? '';
    const body = parseBody(req);
    const repository = obj(body.repository);
    const base = {
      provider: 'github',
      deliveryId: header(req, 'x-github-delivery'),
      eventType,
      repoIdentities: repository ? githubIdentities(repository) : [],
      webUrl: repository ? str(repository.html_url) : undefined,
    };
    if (eventType === 'ping') return { ...base, kind: 'ping', pushes: [] };
    if (eventType !== 'push') {
      return { ...base, kind: 'ignored', ignoredReason: `event \`${eventType}\` is not a push`, pushes: [] };
    }
    if (!repository) throw invalid('push payload has no `repository` block');
    return { ...base, kind: 'push', pushes: [githubPush(body)] };
  },

  verify(req: IncomingRequest, secret: string): void {
    const sha256 = header(req, 'x-hub-signature-256');
    if (sha256 !== undefined) {
      assertHmac({ algorithm: 'sha256', key: secret, signed: req.rawBody, presented: sha256, header: 'X-Hub-Signature-256', prefix: 'sha256=' });
      return;
    }
    const sha1 = header(req, 'x-hub-signature');
    if (sha1 !== undefined) {
      assertHmac({ algorithm: 'sha1', key: secret, signed: req.rawBody, presented: sha1, header: 'X-Hub-Signature', prefix: 'sha1=' });
      return;
    }
    throw new IntegralGitError(
      'IG_SIGNATURE_MISSING',
      'the delivery has no X-Hub-Signature-256 (or X-Hub-Signature) header: set the webhook\'s Secret on GitHub',
    );
  },
};

function githubIdentities(repository: Record<string, unknown>): string[] {
  return distinct([
    str(repository.clone_url),
    str(repository.ssh_url),
    str(repository.git_url),
    str(repository.html_url),
    str(repository.full_name),
  ]);
}

function githubPush(body: Record<string, unknown>): NormalizedPush {
  const ref = checkedRef(body.ref, 'ref');
  const before = commitId(body.before);
  const after = commitId(body.after);
  const commits = hookCommits(body.commits);
  return {
    ref,
    ...refParts(ref),
    before,
    after,
    created: bool(body.created) ?? before === null,
    deleted: bool(body.deleted) ?? after === null,
    forced: bool(body.forced) ?? false,
    commits,
    commitsTruncated: commits.length >= GITHUB_COMMIT_CAP,
    pusher: getStr(body, 'pusher', 'name') ?? getStr(body, 'sender', 'login'),
    compareUrl: str(body.compare),
  };
}
