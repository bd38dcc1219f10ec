import type { HistoryStore } from '../store';
import type { Settings } from '../settings/types';
import type { Problem } from '../errors';
import type { ProvenanceEntry } from '../config/types';
import { resolveHostConfig } from '../config/merge-layers';
import { requireRepo } from '../settings/require-repo';

export interface ConfigPanel {
  repo: string;
  host: string;
  /** the config in force (last valid version), resolved for this host; null when none was ever valid */
  inForce: {
    commit: string;
    fetchedAt: string;
    raw: string;
    /** layers applied for this host, in order */
    layers: string[];
    /** each key, its value and the layer that set it */
    provenance: ProvenanceEntry[];
    /** false: the host has no `location`, so it is not deployed */
    deploys: boolean;
  } | null;
  /** the newest version seen, valid or not */
  latest: { commit: string; fetchedAt: string; valid: boolean } | null;
  /** the most recent invalid version among the last ones seen, with every problem found */
  lastError: { commit: string; fetchedAt: string; errors: Problem[]; raw: string; current: boolean } | null;
}

/** How far back "the last config error" is looked for. */
const VERSIONS_SCANNED = 20;

/** The effective config panel of the repo page (and `GET /api/repos/<repo>/config`). */
export function configPanel(settings: Settings, store: HistoryStore, repo: string): ConfigPanel {
  requireRepo(settings, repo);
  const host = settings.hostname;
  const valid = store.lastValidConfig(repo);
  const latest = store.latestConfigVersion(repo);
  const invalid = latest && !latest.valid ? latest : store.listConfigVersions(repo, VERSIONS_SCANNED).find((v) => !v.valid);
  let inForce: ConfigPanel['inForce'] = null;
  if (valid?.config) {
    const effective = resolveHostConfig(valid.config, host);
    inForce = {
      commit: valid.commit,
      fetchedAt: valid.fetchedAt,
      raw: valid.raw,
      layers: effective.layers,
      provenance: effective.provenance,
      deploys: typeof effective.config.location === 'string',
    };
  }
  return {
    repo,
    host,
    inForce,
    latest: latest ? { commit: latest.commit, fetchedAt: latest.fetchedAt, valid: latest.valid } : null,
    lastError: invalid
      ? { commit: invalid.commit, fetchedAt: invalid.fetchedAt, errors: invalid.errors, raw: invalid.raw, current: invalid === latest }
      : null,
  };
}
