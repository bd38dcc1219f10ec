/**
 * The names the fleet puts on the bus (SPEC §11: exact). Repo names and hostnames are
 * checked in lib/settings/resolve-fleet.ts so that they fit these shapes.
 */

export const FLEET_BUCKET = 'integralgit-fleet';
export const DELIVERY_SUBJECT_PREFIX = 'integralgit.delivery';
export const HEARTBEAT_PREFIX = 'hosts';
/** SPEC §11: refreshed every 10 s, offline once 30 s old. */
export const HEARTBEAT_INTERVAL_MS = 10_000;
export const OFFLINE_AFTER_MS = 30_000;

export function deliverySubject(repo: string): string {
  return `${DELIVERY_SUBJECT_PREFIX}.${repo}`;
}

export function stateKey(repo: string, host: string): string {
  return `${repo}.${host}`;
}

export function heartbeatKey(host: string): string {
  return `${HEARTBEAT_PREFIX}.${host}`;
}

/** `<repo>.<host>` or `hosts.<host>`; repo names hold no dot, hostnames may (FQDNs). */
export function parseKey(key: string): { kind: 'heartbeat'; host: string } | { kind: 'state'; repo: string; host: string } | undefined {
  const dot = key.indexOf('.');
  if (dot <= 0 || dot === key.length - 1) return undefined;
  const first = key.slice(0, dot);
  const host = key.slice(dot + 1);
  return first === HEARTBEAT_PREFIX ? { kind: 'heartbeat', host } : { kind: 'state', repo: first, host };
}

/** Consumer names may not hold ".", "*", ">" or whitespace: an FQDN's dots become "_". */
export function durableName(host: string): string {
  return host.replace(/[^A-Za-z0-9_-]/g, '_');
}
