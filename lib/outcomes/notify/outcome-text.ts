import type { OutcomeFacts } from '../types';

/** Past this many, messages say how many more commits there were. */
export const MAX_LISTED_COMMITS = 10;

const HEADLINES: Record<OutcomeFacts['event'], string> = {
  started: 'deployment started',
  succeeded: 'deployed',
  failed: 'deployment FAILED',
  recovered: 'deployed again after a failure (recovered)',
  missed: 'webhook MISSED',
};

export function shortSha(sha: string | null): string {
  return sha ? sha.slice(0, 7) : '(none)';
}

/** `myapp on web1: deployment FAILED (a1b2c3d on main)`, the first line of every message. */
export function headline(facts: OutcomeFacts): string {
  const where = facts.branch ? ` on ${facts.branch}` : '';
  return `${facts.repo} on ${facts.host}: ${HEADLINES[facts.event]} (${shortSha(facts.commit)}${where})`;
}

/** One line per commit, `a1b2c3d First line of the message (Author)`, at most MAX_LISTED_COMMITS. */
export function commitLines(facts: OutcomeFacts): string[] {
  const lines = facts.commits.slice(0, MAX_LISTED_COMMITS).map((c) => `${shortSha(c.id)} ${firstLine(c.message)}${c.author ? ` (${c.author})` : ''}`);
  const more = facts.commits.length - MAX_LISTED_COMMITS;
  if (more > 0) lines.push(`… and ${more} more commit${more === 1 ? '' : 's'}`);
  return lines;
}

/** The whole message as plain text: headline, what happened, link, commits. */
export function plainText(facts: OutcomeFacts): string {
  const lines = [headline(facts), facts.message];
  if (facts.url) lines.push(facts.url);
  const commits = commitLines(facts);
  if (commits.length) lines.push('', 'Commits:', ...commits.map((l) => `  ${l}`));
  return lines.join('\n');
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0].trim();
}
