/**
 * GitLab (gitlab.com and self-managed): project, group and system hooks.
 * Docs: https://docs.gitlab.com/user/project/integrations/webhooks/ (secret token, delivery headers)
 *       https://docs.gitlab.com/user/project/integrations/webhook_events/ (Push Hook, Tag Push Hook)
 *       https://docs.gitlab.com/administration/system_hooks/ (System Hook with event_name push/tag_push)
 *       https://gitlab.com/gitlab-org/gitlab/-/merge_requests/230944 (signing token, behind the
 *       `webhook_signing_token` feature flag: Standard Webhooks headers webhook-id,
 *       webhook-timestamp, webhook-signature `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`)
 *
 * Authentication: by default the hook's "Secret token" arrives verbatim in X-Gitlab-Token
 * and is compared in constant time. When the repo secret is a signing token (`whsec_…`,
 * the format GitLab generates), a delivery carrying webhook-signature is checked by it, with a
 * five-minute window on webhook-timestamp as the Standard Webhooks spec asks; one without it
 * (signing off: a current GitLab then sends the token verbatim) by X-Gitlab-Token.
 *
 * Delivery id: Idempotency-Key (stable across GitLab's retries), else X-Gitlab-Event-UUID.
 * X-Gitlab-Webhook-UUID identifies the hook, not the delivery, so it is never used.
 */
import { IntegralGitError } from '../errors';
import { compareSigningToken } from '../webhook-primitives/standard-webhooks';
import { tokensEqual } from '../webhook-primitives/compare-token';
import { parseBody } from '../webhook-primitives/parse-body';
import { hookCommits } from './hook-commit';
import { checkedRef, commitId, distinct, getStr, invalid, obj, refParts, str, type Json } from './payload-access';
import { header, type IncomingRequest } from '../webhook-primitives/incoming-request';
import type { NormalizedPush } from '../webhook-primitives/normalized-push';
import type { ParsedDelivery, Provider } from './types';

const PUSH_KINDS = new Set(['push', 'tag_push']);

export const gitlab: Provider = {
  name: 'gitlab',

  detect: (req) => header(req, 'x-gitlab-event') !== undefined,

  parse(req: IncomingRequest): ParsedDelivery {
    const eventType = header(req, 'x-gitlab-event') ?? '';
    const body = parseBody(req);
    const base = {
      provider: 'gitlab',
      deliveryId: header(req, 'idempotency-key') ?? header(req, 'x-gitlab-event-uuid'),
      eventType,
      repoIdentities: gitlabIdentities(body),
      webUrl: getStr(body, 'project', 'web_url') ?? getStr(body, 'repository', 'homepage'),
    };
    const kind = str(body.object_kind) ?? str(body.event_name);
    const isPushHook = eventType === 'Push Hook' || eventType === 'Tag Push Hook';
    const isSystemPush = eventType === 'System Hook' && kind !== undefined && PUSH_KINDS.has(kind);
    if (!isPushHook && !isSystemPush) {
      const what = eventType === 'System Hook' ? `system hook event \`${kind ?? '?'}\`` : `event \`${eventType}\``;
      return { ...base, kind: 'ignored', ignoredReason: `${what} is not a push`, pushes: [] };
    }
    if (kind === undefined || !PUSH_KINDS.has(kind)) {
      throw invalid(`X-Gitlab-Event is \`${eventType}\` but the body's object_kind is \`${kind ?? '(none)'}\`, not push or tag_push`);
    }
    if (base.repoIdentities.length === 0) throw invalid('push payload has no `project` or `repository` block');
    return { ...base, kind: 'push', pushes: [gitlabPush(body)] };
  },

  verify(req: IncomingRequest, secret: string): void {
    // a signing token signs when GitLab's signing is on; a current GitLab without it sends
    // the same whsec_ token verbatim in X-Gitlab-Token (with webhook-id, no signature)
    if (secret.startsWith('whsec_') && header(req, 'webhook-signature') !== undefined) {
      compareSigningToken(req, secret, 'GitLab');
      return;
    }
    const token = header(req, 'x-gitlab-token');
    if (token === undefined) {
      throw new IntegralGitError(
        'IG_SIGNATURE_MISSING',
        'the delivery has no X-Gitlab-Token header: set the webhook\'s "Secret token" in GitLab',
      );
    }
    if (!tokensEqual(token, secret)) {
      throw new IntegralGitError('IG_SIGNATURE_MISMATCH', 'X-Gitlab-Token differs from the repo secret');
    }
  },
};

function gitlabIdentities(body: Json): string[] {
  const project = obj(body.project);
  const repository = obj(body.repository);
  return distinct([
    str(project?.git_http_url),
    str(project?.git_ssh_url),
    str(project?.web_url),
    str(project?.path_with_namespace),
    str(repository?.git_http_url),
    str(repository?.git_ssh_url),
    str(repository?.homepage),
  ]);
}

function gitlabPush(body: Json): NormalizedPush {
  const ref = checkedRef(body.ref, 'ref');
  const before = commitId(body.before);
  const after = commitId(body.after);
  const commits = hookCommits(body.commits);
  const total = typeof body.total_commits_count === 'number' ? body.total_commits_count : commits.length;
  return {
    ref,
    ...refParts(ref),
    before,
    after,
    created: before === null,
    deleted: after === null,
    // GitLab does not say whether a push was forced.
    forced: false,
    commits,
    // GitLab lists at most 20 commits; total_commits_count has the real number.
    commitsTruncated: total > commits.length,
    pusher: str(body.user_username) ?? str(body.user_name),
  };
}
