import type { NotifyEvent, NotifyTarget } from '../settings/outcome-types';
import type { Settings } from '../settings/types';
import { finishedEvents } from './notify/failure-dedupe';
import { selectTargets } from './notify/select-targets';

export type DeploymentPhase = { phase: 'started' } | { phase: 'finished'; status: string; previous: 'succeeded' | 'failed' | undefined } | { phase: 'missed' };

/**
 * Which notification targets one event reaches, and as which event: each target's `repos`
 * and `on`, with failures de-duplicated per repo and host (after a `failed`, the next
 * failures are silent until a success, which is `recovered`). `previous` is how the last
 * succeeded-or-failed deployment of the repo on this host ended: the history is the memory,
 * so the de-duplication survives restarts.
 */
export function planNotifications(settings: Pick<Settings, 'notify'>, repo: string, what: DeploymentPhase): { target: NotifyTarget; event: NotifyEvent }[] {
  let events: NotifyEvent[];
  if (what.phase === 'finished') {
    const memory = what.previous === 'failed' ? 'failing' : what.previous === 'succeeded' ? 'ok' : undefined;
    events = finishedEvents(memory, what.status).events;
  } else {
    events = [what.phase];
  }
  return events.length ? selectTargets(settings.notify ?? [], repo, events) : [];
}
