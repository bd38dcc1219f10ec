import type { HostConfig, LayerName, RepoConfig } from './types';

export interface AppliedLayer {
  /** `base`, `group:<name>` or `host:<name>` */
  name: LayerName;
  body: HostConfig;
}

/**
 * Every hostgroup listing `host`, sorted by plain UTF-16 code-unit order (JavaScript's
 * default sort, locale-independent: `Web` sorts before `canary`), which is the order their
 * layers are applied in. Host names match exactly (case-sensitive), as in the original.
 */
export function groupsContaining(config: RepoConfig, host: string): string[] {
  const groups = config.hostgroups ?? {};
  return Object.keys(groups)
    .filter((g) => Array.isArray(groups[g]) && groups[g].includes(host))
    .sort();
}

/**
 * The layers that apply to `host`, in application order: `configs.base`, then
 * `configs.<group>` for each group containing the host (alphabetical), then
 * `configs.<host>`. Only layers present in `configs` are returned. A `configs` key that
 * names a hostgroup is always that group's layer, never a host layer (groups win), and a
 * host named `base` gets no host layer of its own.
 */
export function layersForHost(config: RepoConfig, host: string): AppliedLayer[] {
  const configs = config.configs ?? {};
  const has = (key: string) => Object.prototype.hasOwnProperty.call(configs, key);
  const layers: AppliedLayer[] = [];
  if (has('base')) layers.push({ name: 'base', body: configs.base });
  for (const group of groupsContaining(config, host)) {
    if (has(group)) layers.push({ name: `group:${group}`, body: configs[group] });
  }
  const isGroup = Object.prototype.hasOwnProperty.call(config.hostgroups ?? {}, host);
  if (host !== 'base' && !isGroup && has(host)) layers.push({ name: `host:${host}`, body: configs[host] });
  return layers;
}
