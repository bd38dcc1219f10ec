import type { NotifyEvent } from '../settings/outcome-types';
import type { Settings } from '../settings/types';
import type { OutcomeStore } from '../store';
import type { CommitRow, Deployment } from '../store/types';
import type { OutcomeCommit, OutcomeFacts } from './types';

/** More would make a message nobody reads; the messages say how many there were. */
const MAX_COMMITS = 50;

/** `<publicUrl>/<repo>/deployments/<id>`, or null when publicUrl is not set. */
export function deploymentUrl(settings: Pick<Settings, 'publicUrl'>, repo: string, id: number): string | null {
  return settings.publicUrl ? `${settings.publicUrl}/${encodeURIComponent(repo)}/deployments/${id}` : null;
}

/** What a person reads first: why it failed, why it was skipped, or how long it took. */
export function outcomeMessage(d: Deployment, event: NotifyEvent): string {
  if (event === 'started') return `deploying ${d.commit ? d.commit.slice(0, 7) : 'the branch head'} on ${d.host}`;
  if (d.status === 'skipped') return `not deployed: ${d.skipReason ?? 'skipped'}`;
  if (d.status === 'failed') return firstLine(d.error ?? d.errorCode ?? 'failed');
  const seconds = d.durationMs !== null ? ` in ${(d.durationMs / 1000).toFixed(1)} s` : '';
  return `deployed${seconds}`;
}

/**
 * The facts of one deployment event, read from the store: the deployment record and the
 * commits it brought (those of the push events of its job and of the jobs folded into it;
 * a deployment started by poll, CLI or UI lists the deployed commit alone).
 */
export function outcomeFacts(store: OutcomeStore, settings: Pick<Settings, 'publicUrl'>, d: Deployment, event: NotifyEvent): OutcomeFacts {
  return {
    event,
    repo: d.repo,
    host: d.host,
    branch: d.branch,
    commit: d.commit,
    previousCommit: d.previousCommit,
    status: event === 'started' ? 'running' : d.status,
    health: null,
    errorCode: d.errorCode,
    durationMs: event === 'started' ? null : d.durationMs,
    message: outcomeMessage(d, event),
    deploymentId: d.id,
    url: deploymentUrl(settings, d.repo, d.id),
    commits: deployedCommits(store, d),
  };
}

function deployedCommits(store: OutcomeStore, d: Deployment): OutcomeCommit[] {
  const jobIds = [...(d.jobId !== null ? [d.jobId] : []), ...d.coalescedJobIds];
  const seen = new Set<string>();
  const rows: CommitRow[] = [];
  for (const jobId of jobIds) {
    const eventId = store.getJob(jobId)?.eventId;
    if (!eventId) continue;
    for (const c of store.commitsOfEvent(eventId)) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      rows.push(c);
    }
  }
  if (rows.length === 0 && d.commit) {
    const only = store.getCommit(d.repo, d.commit);
    if (only) rows.push(only);
  }
  // newest first, as the history page lists them
  return rows
    .sort((a, b) => b.seq - a.seq)
    .slice(0, MAX_COMMITS)
    .map((c) => ({ id: c.id, message: c.message, author: c.authorName }));
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0].trim();
}
