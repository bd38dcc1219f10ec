import type { OutcomeFacts } from '../types';
import type { CommitStatusUpdate, StatusState } from './types';

/** GitHub's limit; the others take more, one limit keeps the text the same everywhere. */
export const MAX_DESCRIPTION_CHARS = 140;

/**
 * Errors raised before the deploy script ran: the deployment could not start, which the
 * git host shows as `error` rather than `failure` (GitLab and Bitbucket have one word for both).
 */
const SCRIPT_ERROR_CODES = new Set(['IG_SCRIPT_FAILED', 'IG_SCRIPT_TIMEOUT']);

export function statusContext(host: string): string {
  return `integralgit/${host}`;
}

export function statusState(facts: Pick<OutcomeFacts, 'event' | 'status' | 'errorCode'>): StatusState {
  if (facts.event === 'started' || facts.status === 'running') return 'pending';
  if (facts.status === 'succeeded' || facts.status === 'skipped') return 'success';
  return facts.errorCode === null || SCRIPT_ERROR_CODES.has(facts.errorCode) ? 'failure' : 'error';
}

/** One line, at most 140 characters: hosts show it beside the check's name. */
export function oneLine(text: string, max = MAX_DESCRIPTION_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export function describeForStatus(facts: OutcomeFacts): string {
  const on = `on ${facts.host}`;
  switch (statusState(facts)) {
    case 'pending':
      return oneLine(`Deploying ${on}`);
    case 'success':
      return oneLine(facts.status === 'skipped' ? `Not deployed ${on}: ${facts.message}` : `Deployed ${on}${durationText(facts)}`);
    case 'failure':
      return oneLine(`Deployment failed ${on}: ${facts.message}`);
    default:
      return oneLine(`Deployment could not start ${on}: ${facts.message}`);
  }
}

export function commitStatusUpdate(facts: OutcomeFacts): CommitStatusUpdate | undefined {
  if (!facts.commit) return undefined;
  const update: CommitStatusUpdate = { sha: facts.commit, state: statusState(facts), context: statusContext(facts.host), description: describeForStatus(facts) };
  if (facts.url) update.targetUrl = facts.url;
  if (facts.branch) update.ref = facts.branch;
  return update;
}

function durationText(facts: OutcomeFacts): string {
  return facts.durationMs !== null ? ` in ${formatSeconds(facts.durationMs)}` : '';
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}
