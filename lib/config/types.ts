/** The repo config read from the `integralgit` branch (SPEC §3). */

export interface HostConfig {
  location?: string;
  script?: string;
  branch?: string;
  remote?: string;
  env?: Record<string, string>;
  timeout?: number;
  /** command run after `current` is switched (releases) or after the script (in place), e.g. a service reload */
  activate?: string;
  healthcheck?: HealthcheckConfig;
  /** go back to the last commit that passed on a failed script or health check; default true with a healthcheck */
  revert?: boolean;
  releases?: ReleasesConfig;
}

/** `healthcheck` (SPEC §10): `url` and/or `command`, retried every `interval` s until it passes or `timeout` s pass. */
export interface HealthcheckConfig {
  url?: string;
  command?: string;
  /** seconds; default 60 */
  timeout?: number;
  /** seconds between attempts; default 2 */
  interval?: number;
  /** HTTP status that passes; default 200 */
  expectStatus?: number;
}

/** `releases` (SPEC §10): each deployment in `location/releases/<stamp>-<sha12>/`, `location/current` switched. */
export interface ReleasesConfig {
  /** releases kept by cleanup; default 5 */
  keep?: number;
  /** paths symlinked into every release from `location/shared/` */
  shared?: string[];
}

export interface RepoConfig {
  hostgroups?: Record<string, string[]>;
  configs: Record<string, HostConfig>;
  /** fleet waves: hostgroup names in order, `*` = every other host (SPEC §11) */
  rollout?: string[];
  /** seconds a host of a later wave waits for the earlier ones (default 900) */
  rolloutTimeout?: number;
}

/** Keys with no default: absent from the effective config unless a layer sets them. */
type OptionalKey = 'location' | 'script' | 'activate' | 'healthcheck' | 'revert' | 'releases';

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
  config: Required<Omit<HostConfig, OptionalKey>> & Pick<HostConfig, OptionalKey>;
  provenance: ProvenanceEntry[];
}

/** One version of the config branch as seen by IntegralGit, valid or not (kept in SQLite). */
export interface ConfigVersionRecord {
  repo: string;
  /** sha of the integralgit branch commit the config was read from */
  commit: string;
  /** the file's text as read (stored capped at 256 KiB; the cap is noted in `errors` when hit) */
  raw: string;
  valid: boolean;
  /** every problem found; empty when valid */
  errors: import('../errors').Problem[];
  /** the parsed config, only when valid */
  config?: RepoConfig;
  /** ISO-8601 time it was fetched */
  fetchedAt: string;
}

/** What the repo-config loader needs from the store (implemented by lib/store). */
export interface ConfigVersionStore {
  recordConfigVersion(v: ConfigVersionRecord): void;
  lastValidConfig(repo: string): ConfigVersionRecord | undefined;
  latestConfigVersion(repo: string): ConfigVersionRecord | undefined;
}
