import { jsonHeaders } from '../commit-status/request-parts';
import type { SlackTarget } from '../../settings/outcome-types';
import type { OutcomeFacts, OutgoingRequest } from '../types';
import { commitLines, headline } from './outcome-text';

/**
 * Slack's incoming-webhook format, `{ "text": … }`, which Mattermost and Rocket.Chat accept
 * as is. `&`, `<` and `>` are escaped as Slack requires (a commit message could otherwise
 * inject a mention such as `<!channel>`); the link is `<url|text>`.
 */
export function slackText(facts: OutcomeFacts): string {
  const lines = [`*${escape(headline(facts))}*`, escape(facts.message)];
  if (facts.url) lines.push(`<${facts.url}|${facts.deploymentId !== null ? `deployment #${facts.deploymentId}` : 'details'}>`);
  for (const line of commitLines(facts)) lines.push(`• ${escape(line)}`);
  return lines.join('\n');
}

export function slackRequest(target: SlackTarget, facts: OutcomeFacts): OutgoingRequest {
  return { method: 'POST', url: target.url, headers: jsonHeaders({}), body: JSON.stringify({ text: slackText(facts) }) };
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
