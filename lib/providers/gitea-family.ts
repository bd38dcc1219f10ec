/**
 * What Gitea, Forgejo and Gogs share (Gitea forked Gogs, Forgejo forked Gitea): headers
 * `X-<Host>-Event`, `X-<Host>-Delivery`, `X-<Host>-Signature` (bare hex HMAC-SHA256), a
 * GitHub-like push payload, and one quirk: the HMAC is computed over the JSON payload
 * itself, so for the form content type it covers the decoded `payload` field, not the
 * raw body (Gitea services/webhook/deliver.go signs `t.PayloadContent`; Gogs the same).
 */
import { IntegralGitError } from '../errors';
import { bodyFormat, formPayload, parseBody } from '../webhook-primitives/parse-body';
import { assertHmac } from '../webhook-primitives/verify-hmac';
import { hookCommits } from './hook-commit';
import { checkedRef, commitId, distinct, getStr, invalid, obj, refParts, str } from './payload-access';
import { header, type IncomingRequest } from '../webhook-primitives/incoming-request';
import type { NormalizedPush } from '../webhook-primitives/normalized-push';
import type { ParsedDelivery, Provider } from './types';

export interface GiteaFamilyOptions {
  name: string;
  /** shown in messages, e.g. `Gitea` */
  label: string;
  /** header prefix, lowercase, e.g. `x-gitea` */
  prefix: string;
  /** more specific hosts also send this host's headers; their own header wins */
  notIf?: string[];
}

export function giteaFamilyProvider(options: GiteaFamilyOptions): Provider {
  const eventHeader = `${options.prefix}-event`;
  const signatureHeader = `${options.prefix}-signature`;
  const displayHeader = `${displayName(options.prefix)}-Signature`;
  return {
    name: options.name,

    detect: (req) =>
      header(req, eventHeader) !== undefined && !(options.notIf ?? []).some((h) => header(req, h) !== undefined),

    parse(req: IncomingRequest): ParsedDelivery {
      const eventType = header(req, eventHeader) ?? '';
      const body = parseBody(req);
      const repository = obj(body.repository);
      const base = {
        provider: options.name,
        deliveryId: header(req, `${options.prefix}-delivery`),
        eventType,
        repoIdentities: distinct([
          str(repository?.clone_url),
          str(repository?.ssh_url),
          str(repository?.html_url),
          str(repository?.full_name),
        ]),
        webUrl: str(repository?.html_url),
      };
      if (eventType !== 'push') {
        return { ...base, kind: 'ignored', ignoredReason: `event \`${eventType}\` is not a push`, pushes: [] };
      }
      if (!repository) throw invalid('push payload has no `repository` block');
      return { ...base, kind: 'push', pushes: [giteaPush(body)] };
    },

    verify(req: IncomingRequest, secret: string): void {
      const signature = header(req, signatureHeader);
      if (signature === undefined) {
        throw new IntegralGitError(
          'IG_SIGNATURE_MISSING',
          `the delivery has no ${displayHeader} header: set the webhook's Secret in ${options.label}`,
        );
      }
      const signed = bodyFormat(req) === 'form' ? Buffer.from(formPayload(req.rawBody), 'utf8') : req.rawBody;
      assertHmac({ algorithm: 'sha256', key: secret, signed, presented: signature, header: displayHeader });
    },
  };
}

function giteaPush(body: Record<string, unknown>): NormalizedPush {
  const ref = checkedRef(body.ref, 'ref');
  const before = commitId(body.before);
  const after = commitId(body.after);
  const commits = hookCommits(body.commits);
  // Gitea and Forgejo report the real count in total_commits; Gogs lists every commit it sends.
  const total = typeof body.total_commits === 'number' ? body.total_commits : commits.length;
  return {
    ref,
    ...refParts(ref),
    before,
    after,
    created: before === null,
    deleted: after === null,
    forced: false,
    commits,
    commitsTruncated: total > commits.length,
    pusher: getStr(body, 'pusher', 'login') ?? getStr(body, 'pusher', 'username'),
    compareUrl: str(body.compare_url),
  };
}

/** `x-gitea` → `X-Gitea` */
function displayName(prefix: string): string {
  return prefix
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('-');
}
