import type { NotifyEvent } from '../../settings/outcome-types';

/** What the last finished deployment of one repo on one host told people. */
export type HealthMemory = 'ok' | 'failing';

/**
 * The events one finished deployment raises, most specific first, and what to remember
 * for the next one (SPEC §9 de-duplication): after a `failed`, further failures of the
 * same repo and host are silent until a success, which is `recovered`. Skipped
 * deployments say nothing and change nothing.
 */
export function finishedEvents(previous: HealthMemory | undefined, status: string): { events: NotifyEvent[]; next: HealthMemory | undefined } {
  if (status === 'succeeded') return { events: previous === 'failing' ? ['recovered', 'succeeded'] : ['succeeded'], next: 'ok' };
  if (status === 'failed') return { events: previous === 'failing' ? [] : ['failed'], next: 'failing' };
  return { events: [], next: previous };
}
