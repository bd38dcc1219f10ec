/**
 * IntegralGit's own trigger, for CI systems and scripts:
 *
 *   curl -X POST http://host:8080/update \
 *     -H 'X-IntegralGit-Event: trigger' -H 'Authorization: Bearer <token>' \
 *     -H 'Content-Type: application/json' -d '{"repo": "myapp", "branch": "main"}'
 *
 * Detected only by `X-IntegralGit-Event: trigger`, so it can never be confused with a git
 * host's delivery. `repo` is a settings key (`myapp`) or the repository URL. The bearer
 * token is the settings' `triggerToken` (server-wide: any repo) or the repo's own webhook
 * secret (that repo only); lib/webhooks/receive-webhook.ts accepts either. `verify` here
 * checks one candidate. No commit is named: the head is read from the remote.
 */
import { IntegralGitError } from '../errors';
import { tokensEqual } from '../webhook-primitives/compare-token';
import { bodyFormat, parseJsonObject } from '../webhook-primitives/parse-body';
import { checkedRef, invalid, str } from './payload-access';
import { header, type IncomingRequest } from '../webhook-primitives/incoming-request';
import type { ParsedDelivery, Provider } from './types';

const KEYS = new Set(['repo', 'branch']);

export const generic: Provider = {
  name: 'generic',

  detect: (req) => (header(req, 'x-integralgit-event') ?? '').toLowerCase() === 'trigger',

  parse(req: IncomingRequest): ParsedDelivery {
    if (bodyFormat(req) !== 'json') throw invalid('the trigger body must be JSON: {"repo": "<name or url>", "branch": "<branch>"}');
    const body = parseJsonObject(req.rawBody.toString('utf8'));
    const unknown = Object.keys(body).filter((k) => !KEYS.has(k));
    if (unknown.length > 0) throw invalid(`unknown key \`${unknown[0]}\` in the trigger body; expected "repo" and "branch"`);
    const repo = str(body.repo);
    const branch = str(body.branch);
    if (repo === undefined) throw invalid('the trigger body needs "repo": a repo name from the settings or its URL');
    if (branch === undefined) throw invalid('the trigger body needs "branch": the branch to deploy, e.g. "main"');
    const ref = checkedRef(`refs/heads/${branch}`, 'branch');
    const byName = !/[/:]/.test(repo);
    return {
      provider: 'generic',
      deliveryId: header(req, 'x-integralgit-delivery'),
      eventType: 'trigger',
      kind: 'push',
      repoIdentities: byName ? [] : [repo],
      repoName: byName ? repo : undefined,
      pushes: [
        {
          ref,
          branch,
          tag: null,
          before: null,
          after: null,
          created: false,
          deleted: false,
          forced: false,
          commits: [],
          commitsTruncated: true,
          pusher: 'trigger',
        },
      ],
    };
  },

  verify(req: IncomingRequest, secret: string): void {
    const auth = header(req, 'authorization');
    const match = auth === undefined ? null : /^Bearer\s+(\S+)$/i.exec(auth);
    if (match === null) {
      throw new IntegralGitError('IG_SIGNATURE_MISSING', 'the trigger has no `Authorization: Bearer <token>` header');
    }
    if (!tokensEqual(match[1], secret)) {
      throw new IntegralGitError('IG_SIGNATURE_MISMATCH', 'the bearer token is neither `triggerToken` nor the repo secret');
    }
  },
};
