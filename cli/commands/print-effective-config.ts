import type { EffectiveConfig } from '../../lib/config/types';
import { formatTable } from '../format-table';

/** The effective config as a table: key, value, the layer that set it, the layers it overrode. */
export function printEffectiveConfig(effective: EffectiveConfig): void {
  process.stdout.write(`\neffective config for host ${effective.host} (layers: ${effective.layers.join(' → ') || 'none'})\n`);
  const rows = effective.provenance.map((p) => [
    p.key,
    typeof p.value === 'string' ? p.value : JSON.stringify(p.value),
    p.layer,
    p.overridden.length ? p.overridden.join(', ') : '-',
  ]);
  process.stdout.write(formatTable(['key', 'value', 'layer', 'overrides'], rows));
  if (!effective.config.location) {
    process.stdout.write(`\nhost ${effective.host} has no \`location\`: it is not deployed\n`);
  }
}
