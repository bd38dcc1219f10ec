import merge from 'lodash.merge';
import { layersForHost, type AppliedLayer } from './layers-for-host';
import { LAYER_KEYS } from './schema';
import type { EffectiveConfig, HealthcheckConfig, HostConfig, LayerName, ProvenanceEntry, ReleasesConfig, RepoConfig } from './types';

/** Defaults of the original IntegralGit (branch `master`, remote `origin`) plus ours. */
export const CONFIG_DEFAULTS = { branch: 'master', remote: 'origin', timeout: 600 } as const;

type Json = Record<string, unknown>;

/**
 * The effective config of `host`: base, then each hostgroup containing it in
 * alphabetical order, then the host's own layer, merged with lodash.merge (objects such as
 * `env` merge key by key), defaults filled in, and the provenance of every key.
 * The input is never mutated.
 */
export function resolveHostConfig(config: RepoConfig, host: string): EffectiveConfig {
  const layers = layersForHost(config, host);
  const merged = mergeLayers(layers.map((l) => l.body as Json));
  const effective: EffectiveConfig['config'] = {
    branch: typeof merged.branch === 'string' ? merged.branch : CONFIG_DEFAULTS.branch,
    remote: typeof merged.remote === 'string' ? merged.remote : CONFIG_DEFAULTS.remote,
    timeout: typeof merged.timeout === 'number' ? merged.timeout : CONFIG_DEFAULTS.timeout,
    env: isPlainObject(merged.env) ? (merged.env as Record<string, string>) : {},
  };
  if (typeof merged.location === 'string') effective.location = merged.location;
  if (typeof merged.script === 'string') effective.script = merged.script;
  if (typeof merged.activate === 'string') effective.activate = merged.activate;
  if (isPlainObject(merged.healthcheck)) effective.healthcheck = merged.healthcheck as HealthcheckConfig;
  if (typeof merged.revert === 'boolean') effective.revert = merged.revert;
  if (isPlainObject(merged.releases)) effective.releases = merged.releases as ReleasesConfig;
  return {
    host,
    layers: layers.map((l) => l.name),
    config: effective,
    provenance: provenanceOf(layers, effective),
  };
}

/**
 * Merge layer bodies in order into a new object: later values win, plain objects merge
 * key by key (lodash.merge), arrays are replaced whole. The bodies are not mutated and
 * the result shares no object with them.
 */
export function mergeLayers(bodies: ReadonlyArray<object>): Json {
  const merged: Json = {};
  for (const body of bodies) {
    // lodash.merge merges arrays index by index ([a,b] then [c] gives [c,b]) and pours an
    // object's keys into an array; a later layer must replace such values instead.
    // lodash.merge takes no customizer (that is mergeWith, another package), so what this
    // layer replaces is first removed from the accumulator: merge then builds a fresh copy.
    dropValuesReplacedBy(merged, body as Json);
    merge(merged, body);
  }
  return merged;
}

function dropValuesReplacedBy(target: Json, source: Json): void {
  for (const [key, value] of Object.entries(source)) {
    if (Array.isArray(value) || (isPlainObject(value) && Array.isArray(target[key]))) delete target[key];
    else if (isPlainObject(value) && isPlainObject(target[key])) dropValuesReplacedBy(target[key] as Json, value as Json);
  }
}

/**
 * For each effective leaf (dotted below objects: `env.NODE_ENV`), the layer whose value is
 * in force (`default` when none set it) and the earlier layers it overrode. An `env` left
 * empty is one entry `env` = {}.
 */
function provenanceOf(layers: AppliedLayer[], effective: EffectiveConfig['config']): ProvenanceEntry[] {
  const setters = new Map<string, LayerName[]>();
  const note = (key: string, layer: LayerName) => setters.set(key, [...(setters.get(key) ?? []), layer]);
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.body as Json)) {
      if (isPlainObject(value)) {
        note(key, layer.name);
        for (const leaf of leafKeys(value as Json, key)) note(leaf, layer.name);
      } else {
        note(key, layer.name);
      }
    }
  }
  const entry = (key: string, value: unknown): ProvenanceEntry => {
    const by = setters.get(key) ?? [];
    return by.length === 0
      ? { key, value, layer: 'default', overridden: [] }
      : { key, value, layer: by[by.length - 1], overridden: by.slice(0, -1) };
  };
  const entries: ProvenanceEntry[] = [];
  for (const key of orderedKeys(effective)) {
    const value = (effective as Json)[key];
    if (key === 'env' || isPlainObject(value)) {
      const leaves = flatten(value as Json, key);
      if (leaves.length === 0) entries.push(entry(key, {}));
      else for (const [leaf, v] of leaves) entries.push(entry(leaf, v));
    } else if (value !== undefined) {
      entries.push(entry(key, value));
    }
  }
  return entries;
}

function orderedKeys(effective: HostConfig): string[] {
  const known = ['location', 'script', 'branch', 'remote', 'timeout', 'env', 'activate', 'healthcheck', 'revert', 'releases'];
  const extra = Object.keys(effective).filter((k) => !(LAYER_KEYS as readonly string[]).includes(k)).sort();
  return [...known, ...extra];
}

function leafKeys(obj: Json, prefix: string): string[] {
  return flatten(obj, prefix).map(([k]) => k);
}

/** Dotted leaves of an object, keys sorted (code-unit order) so the listing is stable. */
function flatten(obj: Json, prefix: string): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const key of Object.keys(obj).sort()) {
    const value = obj[key];
    if (isPlainObject(value) && Object.keys(value as Json).length > 0) out.push(...flatten(value as Json, `${prefix}.${key}`));
    else out.push([`${prefix}.${key}`, value]);
  }
  return out;
}

function isPlainObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
