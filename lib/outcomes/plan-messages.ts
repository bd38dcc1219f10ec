import type { NotifyEvent } from '../settings/outcome-types';
import type { Settings } from '../settings/types';
import { finishedEvents, type HealthMemory } from './notify/failure-dedupe';
import { selectTargets } from './notify/select-targets';

/** The `target` name of a repo's commit status in `notifications` and /metrics. */
export const COMMIT_STATUS_TARGET = 'commit-status';

/** One message to put in the outbox: who gets which event. */
export interface PlannedMessage {
  /** `commit-status` or the name of a `notify` target */
  target: string;
  kind: 'commit-status' | 'notify';
  event: NotifyEvent;
}

export type DeploymentPhase = { phase: 'started' } | { phase: 'finished'; status: string; previous: HealthMemory | undefined } | { phase: 'missed' };

/**
 * Every message one deployment event sends. A commit status follows every deployment
 * that has a commit (pending at start, its outcome at the end); notifications follow
 * each target's `repos` and `on`, with failures de-duplicated per repo and host.
 */
export function planMessages(settings: Pick<Settings, 'repos' | 'notify'>, repo: string, what: DeploymentPhase): PlannedMessage[] {
  const events: NotifyEvent[] = what.phase === 'started' ? ['started'] : what.phase === 'missed' ? ['missed'] : finishedEvents(what.previous, what.status).events;
  const out: PlannedMessage[] = [];
  const statusWanted = what.phase === 'started' || (what.phase === 'finished' && (what.status === 'succeeded' || what.status === 'failed' || what.status === 'skipped'));
  if (settings.repos[repo]?.commitStatus && statusWanted) {
    const event: NotifyEvent = what.phase === 'started' ? 'started' : what.phase === 'finished' && what.status === 'failed' ? 'failed' : 'succeeded';
    out.push({ target: COMMIT_STATUS_TARGET, kind: 'commit-status', event });
  }
  for (const { target, event } of selectTargets(settings.notify ?? [], repo, events)) out.push({ target: target.name, kind: 'notify', event });
  return out;
}
