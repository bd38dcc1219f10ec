import { asInteger, type RawObject } from './raw-access';
import type { Retention } from './types';

/** Defaults: enough history for years of pushes, bounded so the database does not grow forever. */
export const RETENTION_DEFAULTS: Retention = { deployments: 5000, deliveries: 10000 };

/** `retention` of a repo over the server-wide one over the defaults, key by key. */
export function resolveRetention(raw: RawObject | undefined, inherited: Retention = RETENTION_DEFAULTS): Retention {
  return {
    deployments: asInteger(raw?.deployments) ?? inherited.deployments,
    deliveries: asInteger(raw?.deliveries) ?? inherited.deliveries,
  };
}
