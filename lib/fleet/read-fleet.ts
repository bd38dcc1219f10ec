import type { KV } from 'nats';
import type { FleetHostState } from './host-state';
import { OFFLINE_AFTER_MS, parseKey } from './fleet-names';

export interface FleetHost {
  name: string;
  lastSeen: string | null;
  online: boolean;
}

export type FleetCell = Omit<FleetHostState, 'deploymentId'> & { deploymentId?: number | null };

/** `GET /api/fleet` (SPEC §11, exact shape). */
export interface FleetView {
  hosts: FleetHost[];
  repos: Array<{ name: string; hosts: Record<string, FleetCell> }>;
}

/**
 * The whole bucket as host × repo. A host appears once it has sent a heartbeat or a state;
 * it is online while its heartbeat is younger than 30 s (nats-server 2.9 has no per-key
 * TTL, so age is judged here, against this machine's clock).
 */
export async function readFleet(kv: KV, now = Date.now()): Promise<FleetView> {
  const seen = new Map<string, string | null>();
  const repos = new Map<string, Record<string, FleetCell>>();
  const keys: string[] = [];
  for await (const key of await kv.keys()) keys.push(key);
  await Promise.all(
    keys.map(async (key) => {
      const parsed = parseKey(key);
      if (!parsed) return;
      const entry = await kv.get(key);
      if (!entry || entry.operation !== 'PUT') return;
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(new TextDecoder().decode(entry.value)) as Record<string, unknown>;
      } catch {
        return; // not ours: someone else's key in the bucket
      }
      if (parsed.kind === 'heartbeat') {
        seen.set(parsed.host, typeof value.lastSeen === 'string' ? value.lastSeen : null);
        return;
      }
      if (!seen.has(parsed.host)) seen.set(parsed.host, null);
      const cells = repos.get(parsed.repo) ?? {};
      cells[parsed.host] = toCell(value);
      repos.set(parsed.repo, cells);
    }),
  );
  const hosts = [...seen.entries()]
    .map(([name, lastSeen]) => ({ name, lastSeen, online: lastSeen !== null && now - Date.parse(lastSeen) < OFFLINE_AFTER_MS }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    hosts,
    repos: [...repos.entries()].map(([name, cells]) => ({ name, hosts: sortKeys(cells) })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

function toCell(v: Record<string, unknown>): FleetCell {
  const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);
  return {
    commit: str(v.commit),
    status: (str(v.status) ?? 'never') as FleetCell['status'],
    health: (str(v.health) ?? 'none') as FleetCell['health'],
    deploymentId: typeof v.deploymentId === 'number' ? v.deploymentId : null,
    finishedAt: str(v.finishedAt),
    url: str(v.url),
  };
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
