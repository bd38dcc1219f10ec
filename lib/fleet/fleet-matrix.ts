import type { FleetCell, FleetHost, FleetView } from './read-fleet';

export type CellVerdict = 'current' | 'behind' | 'failing' | 'running' | 'missing';

export interface MatrixCell extends FleetCell {
  verdict: CellVerdict;
  hostOnline: boolean;
}

export interface FleetMatrix {
  hosts: FleetHost[];
  rows: Array<{ repo: string; newest: string | null; cells: Array<MatrixCell | null> }>;
  counts: { hosts: number; offline: number; behind: number; failing: number };
}

/**
 * The fleet as the page and `integralgit fleet` show it: one row per repo, one column per
 * host, each cell judged against the repo's newest commit (the one the most recent
 * successful deployment anywhere brought), so "behind", "failing" and "offline" stand out.
 */
export function fleetMatrix(view: FleetView): FleetMatrix {
  const online = new Map(view.hosts.map((h) => [h.name, h.online]));
  let behind = 0;
  let failing = 0;
  const rows = view.repos.map((repo) => {
    const newest = newestCommit(Object.values(repo.hosts));
    const cells = view.hosts.map((host) => {
      const cell = repo.hosts[host.name];
      if (!cell) return null;
      const verdict = judge(cell, newest);
      if (verdict === 'behind') behind++;
      if (verdict === 'failing') failing++;
      return { ...cell, verdict, hostOnline: online.get(host.name) ?? false };
    });
    return { repo: repo.name, newest, cells };
  });
  return { hosts: view.hosts, rows, counts: { hosts: view.hosts.length, offline: view.hosts.filter((h) => !h.online).length, behind, failing } };
}

function newestCommit(cells: FleetCell[]): string | null {
  let best: FleetCell | undefined;
  for (const c of cells) {
    if (c.status !== 'succeeded' || !c.commit || !c.finishedAt) continue;
    if (!best || Date.parse(c.finishedAt) > Date.parse(best.finishedAt ?? '')) best = c;
  }
  return best?.commit ?? null;
}

function judge(cell: FleetCell, newest: string | null): CellVerdict {
  if (cell.status === 'failed' || cell.health === 'failed') return 'failing';
  if (cell.status === 'running' || cell.status === 'queued') return 'running';
  if (!cell.commit) return 'missing';
  return newest !== null && cell.commit !== newest ? 'behind' : 'current';
}
