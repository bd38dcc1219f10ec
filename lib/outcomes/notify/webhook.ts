import crypto from 'node:crypto';
import { jsonHeaders } from '../commit-status/request-parts';
import type { WebhookTarget } from '../../settings/outcome-types';
import type { OutcomeFacts, OutgoingRequest } from '../types';

/** The JSON body of SPEC §9, field for field. */
export function webhookBody(facts: OutcomeFacts): Record<string, unknown> {
  return {
    event: facts.event,
    repo: facts.repo,
    host: facts.host,
    branch: facts.branch,
    commit: facts.commit,
    previousCommit: facts.previousCommit,
    status: facts.status,
    health: facts.health,
    errorCode: facts.errorCode,
    message: facts.message,
    url: facts.url,
    commits: facts.commits.map((c) => ({ id: c.id, message: c.message, author: c.author })),
  };
}

/** `sha256=<hex HMAC of the exact body>`, as GitHub signs its webhooks. */
export function signBody(secret: string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * A signed JSON POST. `deliveryId` (the outbox message id) lets the receiver drop a
 * retry it already handled: a retry after a timeout may arrive twice.
 */
export function webhookRequest(target: WebhookTarget, facts: OutcomeFacts, deliveryId: string): OutgoingRequest {
  const body = JSON.stringify(webhookBody(facts));
  const headers = jsonHeaders({ 'X-IntegralGit-Event': facts.event, 'X-IntegralGit-Delivery': deliveryId });
  if (target.secret !== undefined) headers['X-IntegralGit-Signature-256'] = signBody(target.secret, body);
  return { method: 'POST', url: target.url, headers, body };
}
