import { isIntegralGitError } from '../errors';
import { isTrusted } from '../network/trusted-networks';
import { detectProvider, PROVIDER_HEADERS, PROVIDERS } from '../providers/registry';
import type { IncomingRequest } from '../webhook-primitives/incoming-request';
import type { ParsedDelivery, Provider } from '../providers/types';
import { findRepo } from '../settings/require-repo';
import type { RepoSettings, Settings } from '../settings/types';
import { matchRepo } from './match-repo';
import { verifyForRepo } from './verify-for-repo';
import { rejected, type DecisionContext, type WebhookDecision } from './webhook-decision';

export type { WebhookDecision } from './webhook-decision';

export type WebhookSettings = Pick<Settings, 'repos' | 'trustedNetworks' | 'triggerToken'>;

/**
 * The whole answer to one request to `POST /update`, decided synchronously from the
 * request and the settings alone (no store, no HTTP framework), in this order:
 * server-wide trustedNetworks (403) → provider from headers (400) → parse (400) → repo
 * from the payload's URLs (404) → the repo's trustedNetworks (403) → signature with the
 * repo's secret (401; skipped for `insecure` repos) → ping (200) → other events (202
 * ignored) → push (202 accepted, with the refs). Never throws. Duplicate delivery ids and
 * skip/deploy decisions are the caller's, after this.
 * `req.remoteAddress` must already be resolved through `trustProxy` (clientAddress()).
 */
export function receiveWebhook(
  req: IncomingRequest,
  settings: WebhookSettings,
  providers: readonly Provider[] = PROVIDERS,
): WebhookDecision {
  try {
    return decide(req, settings, providers);
  } catch (err) {
    // Defence in depth: a bug in a parser must still answer with a clear 4xx, never crash.
    const detail = err instanceof Error ? err.message : String(err);
    return rejected(400, 'IG_PAYLOAD_INVALID', `the delivery could not be processed: ${detail}`);
  }
}

function decide(req: IncomingRequest, settings: WebhookSettings, providers: readonly Provider[]): WebhookDecision {
  const serverNetworks = settings.trustedNetworks ?? [];
  if (serverNetworks.length > 0 && !isTrusted(req.remoteAddress, serverNetworks)) {
    return rejected(403, 'IG_NETWORK_UNTRUSTED', `request from ${req.remoteAddress} is outside \`trustedNetworks\``);
  }

  const provider = detectProvider(req, providers);
  if (provider === undefined) {
    return rejected(400, 'IG_PAYLOAD_INVALID', `unrecognised webhook: no known provider headers (${PROVIDER_HEADERS.join(', ')})`);
  }

  let parsed: ParsedDelivery;
  try {
    parsed = provider.parse(req);
  } catch (err) {
    const detail = isIntegralGitError(err) ? err.message : 'the payload could not be read';
    return rejected(400, 'IG_PAYLOAD_INVALID', `invalid ${provider.name} delivery: ${detail}`, context(provider.name, undefined));
  }
  const ctx = context(provider.name, parsed);

  if (parsed.kind !== 'push' && parsed.repoName === undefined && parsed.repoIdentities.length === 0) {
    return decideWithoutRepo(provider, req, parsed, settings, ctx);
  }

  let repo: RepoSettings | undefined;
  try {
    repo = parsed.repoName !== undefined ? findRepo(settings, parsed.repoName) : matchRepo(parsed.repoIdentities, settings.repos);
  } catch (err) {
    return rejected(404, 'IG_REPO_UNKNOWN', err instanceof Error ? err.message : 'ambiguous repository', ctx);
  }
  if (repo === undefined) return rejected(404, 'IG_REPO_UNKNOWN', unknownRepoReason(parsed), ctx);
  ctx.repo = repo.name;

  if (repo.trustedNetworks !== undefined && !isTrusted(req.remoteAddress, repo.trustedNetworks)) {
    return rejected(403, 'IG_NETWORK_UNTRUSTED', `request from ${req.remoteAddress} is outside \`repos.${repo.name}.trustedNetworks\``, ctx);
  }

  const verified = verifyForRepo(provider, req, repo, settings);
  if (!verified.ok) return rejected(401, verified.code, verified.reason, ctx);
  const note = verified.note ? ` (${verified.note})` : '';

  if (parsed.kind === 'ping') {
    return { status: 200, outcome: 'ping', reason: `ping from ${provider.name} for repo \`${repo.name}\`${note}`, pushes: [], ...ctx };
  }
  if (parsed.kind === 'ignored') {
    return { status: 202, outcome: 'ignored', reason: `${parsed.ignoredReason ?? `event \`${parsed.eventType}\` is ignored`}${note}`, pushes: [], ...ctx };
  }
  if (parsed.pushes.length === 0) {
    return { status: 202, outcome: 'ignored', reason: `the push names no ref${note}`, pushes: [], ...ctx };
  }
  const refs = parsed.pushes.map((p) => p.ref).join(', ');
  return { status: 202, outcome: 'accepted', reason: `push to ${refs}${note}`, pushes: parsed.pushes, ...ctx };
}

/**
 * A ping or an ignored event that names no repository (Bitbucket Server's "Test
 * connection", a GitHub organisation hook's ping, a GitLab system hook's
 * `project_create`): the secrets of the configured repos are tried, so a valid delivery
 * still gets its 200/202 (GitLab disables hooks that collect 4xx answers) and a wrong
 * secret is still reported. Nothing is deployed either way.
 */
function decideWithoutRepo(
  provider: Provider,
  req: IncomingRequest,
  parsed: ParsedDelivery,
  settings: WebhookSettings,
  ctx: DecisionContext,
): WebhookDecision {
  const what = parsed.kind === 'ping' ? `ping from ${provider.name}` : (parsed.ignoredReason ?? `event \`${parsed.eventType}\` is ignored`);
  let signed = false;
  for (const repo of Object.values(settings.repos)) {
    if (repo.insecure || !repo.secret) continue;
    try {
      provider.verify(req, repo.secret);
      if (repo.trustedNetworks !== undefined && !isTrusted(req.remoteAddress, repo.trustedNetworks)) {
        return rejected(403, 'IG_NETWORK_UNTRUSTED', `request from ${req.remoteAddress} is outside \`repos.${repo.name}.trustedNetworks\``, { ...ctx, repo: repo.name });
      }
      const reason = `${what}; it names no repository but is signed with the secret of repo \`${repo.name}\``;
      return { status: parsed.kind === 'ping' ? 200 : 202, outcome: parsed.kind === 'ping' ? 'ping' : 'ignored', reason, pushes: [], ...ctx, repo: repo.name };
    } catch (err) {
      if (!(isIntegralGitError(err) && err.code === 'IG_SIGNATURE_MISSING')) signed = true;
    }
  }
  if (signed) {
    return rejected(401, 'IG_SIGNATURE_MISMATCH', `${what}: it names no repository and its signature matches no configured repo's secret`, ctx);
  }
  if (parsed.kind === 'ping') {
    return { status: 200, outcome: 'ping', reason: `${what}; it names no repository and carries no signature, so nothing was checked`, pushes: [], ...ctx };
  }
  return rejected(401, 'IG_SIGNATURE_MISSING', `${what}: it names no repository and carries no signature or token`, ctx);
}

function unknownRepoReason(parsed: ParsedDelivery): string {
  if (parsed.repoName !== undefined) return `no repository named \`${clip(parsed.repoName)}\` in the settings (\`repos\`)`;
  if (parsed.repoIdentities.length === 0) return 'the payload names no repository';
  const shown = parsed.repoIdentities.slice(0, 5).map(clip).join(', ');
  return `no repository in settings matches ${shown}: add it under \`repos\` with one of these as its \`url\``;
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function context(provider: string, parsed: ParsedDelivery | undefined): DecisionContext {
  return { provider, deliveryId: parsed?.deliveryId, eventType: parsed?.eventType };
}
