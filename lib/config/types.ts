/** The repo config read from the `integralgit` branch (SPEC §3). */

export interface HostConfig {
  location?: string;
  script?: string;
  branch?: string;
  remote?: string;
  env?: Record<string, string>;
  timeout?: number;
}

export interface RepoConfig {
  hostgroups?: Record<string, string[]>;
  configs: Record<string, HostConfig>;
}

/** Which layer set a key: `base`, `group:<name>` or `host:<name>`, or `default`. */
export type LayerName = string;

export interface ProvenanceEntry {
  /** dotted key, e.g. `location`, `env.NODE_ENV` */
  key: string;
  value: unknown;
  /** the layer whose value is in force */
  layer: LayerName;
  /** earlier layers that also set this key and were overridden, in application order */
  overridden: LayerName[];
}

export interface EffectiveConfig {
  host: string;
  /** layers applied, in order, e.g. ['base', 'group:canary', 'group:web', 'host:web2'] */
  layers: LayerName[];
  /** merged values with defaults filled in (branch master, remote origin, timeout 600, env {}) */
  config: Required<Omit<HostConfig, 'location' | 'script'>> & Pick<HostConfig, 'location' | 'script'>;
  provenance: ProvenanceEntry[];
}
