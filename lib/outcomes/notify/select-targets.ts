import type { NotifyEvent, NotifyTarget } from '../../settings/outcome-types';

/** The default `on` of SPEC §9: what needs a person's attention. */
export const DEFAULT_NOTIFY_ON: readonly NotifyEvent[] = ['failed', 'recovered', 'missed'];

/**
 * The targets that want these events for this repo, each with the one event it gets.
 * A success after a failure is both `recovered` and `succeeded`: a target listening to
 * both gets `recovered` only (one message per deployment and target).
 */
export function selectTargets(targets: readonly NotifyTarget[], repo: string, events: readonly NotifyEvent[]): { target: NotifyTarget; event: NotifyEvent }[] {
  const out: { target: NotifyTarget; event: NotifyEvent }[] = [];
  for (const target of targets) {
    if (target.repos && !target.repos.includes(repo)) continue;
    const event = events.find((e) => target.on.includes(e));
    if (event) out.push({ target, event });
  }
  return out;
}
