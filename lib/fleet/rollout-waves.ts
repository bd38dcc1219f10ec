import type { RepoConfig } from '../config/types';
import type { FleetView } from './read-fleet';

export const DEFAULT_ROLLOUT_TIMEOUT_S = 900;

/**
 * The wave of `host` in `rollout` (0-based): the first wave whose hostgroup lists it, else
 * the `*` wave. undefined: no rollout, or the host is in no wave (it is not held back).
 */
export function waveOf(config: RepoConfig, host: string): number | undefined {
  const rollout = config.rollout;
  if (!rollout) return undefined;
  const named = rollout.findIndex((w) => w !== '*' && (config.hostgroups?.[w] ?? []).includes(host));
  if (named >= 0) return named;
  const star = rollout.indexOf('*');
  return star >= 0 ? star : undefined;
}

export type RolloutVerdict =
  | { state: 'go'; reason: string }
  | { state: 'wait'; reason: string }
  | { state: 'blocked'; reason: string };

/**
 * May `host` (in wave `wave`) start `commit` of `repo`? Only once every online host of the
 * earlier waves reports that commit `succeeded` with health not failed; a host of an
 * earlier wave that failed it stops this wave for that commit. The fleet's hosts are those
 * the bucket knows; a host of an earlier `*` wave is any host named in no wave.
 */
export function rolloutVerdict(view: FleetView, config: RepoConfig, repo: string, host: string, wave: number, commit: string): RolloutVerdict {
  const cells = view.repos.find((r) => r.name === repo)?.hosts ?? {};
  const earlier = view.hosts.filter((h) => h.name !== host && (waveOf(config, h.name) ?? Infinity) < wave);
  const short = commit.slice(0, 12);
  const failed = earlier.find((h) => cells[h.name]?.commit === commit && (cells[h.name].status === 'failed' || cells[h.name].health === 'failed'));
  if (failed) return { state: 'blocked', reason: `host ${failed.name} of wave ${waveName(config, failed.name)} failed commit ${short}: later waves do not deploy it` };
  const online = earlier.filter((h) => h.online);
  const waiting = online.filter((h) => !(cells[h.name]?.commit === commit && cells[h.name].status === 'succeeded'));
  if (waiting.length > 0) {
    return { state: 'wait', reason: `waiting for ${waiting.map((h) => h.name).join(', ')} (earlier wave${waiting.length > 1 ? 's' : ''}) to deploy ${short}` };
  }
  return { state: 'go', reason: online.length > 0 ? `earlier waves done: ${online.map((h) => h.name).join(', ')} deployed ${short}` : 'no online host in an earlier wave' };
}

function waveName(config: RepoConfig, host: string): string {
  const w = waveOf(config, host);
  return w === undefined ? '?' : `${w + 1} (${config.rollout?.[w]})`;
}
