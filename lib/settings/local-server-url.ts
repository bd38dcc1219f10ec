import type { Settings } from './types';

/**
 * The base URL at which a process on this machine reaches the server of these settings:
 * a wildcard listen address becomes the loopback, an IPv6 literal gets brackets, and
 * `basePath` is appended (no trailing slash).
 */
export function localServerUrl(settings: Pick<Settings, 'listen' | 'basePath'>, port: number = settings.listen.port): string {
  const { host } = settings.listen;
  const local = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${local.includes(':') ? `[${local}]` : local}:${port}${settings.basePath}`;
}
