import os from 'node:os';
import type { Problem } from '../errors';
import type { Settings } from './types';

export const HOSTNAME_ENV = 'INTEGRALGIT_HOSTNAME';

/**
 * This host's name, which selects its layer in every repo config. Precedence, from the
 * most specific to the least: the --hostname flag, the INTEGRALGIT_HOSTNAME variable, the
 * settings file, the machine's hostname. Empty values count as not given.
 */
export function resolveHostname(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  fromFile: string | undefined,
  problems: Problem[],
): { hostname: string; hostnameSource: Settings['hostnameSource'] } {
  const candidates: [string | undefined, Settings['hostnameSource'], string][] = [
    [flag, 'flag', '--hostname'],
    [env[HOSTNAME_ENV], 'env', `environment variable ${HOSTNAME_ENV}`],
    [fromFile, 'file', '/hostname'],
  ];
  for (const [value, source, label] of candidates) {
    const v = value?.trim();
    if (!v) continue;
    const problem = hostnameProblem(v);
    if (problem) problems.push({ path: label, message: problem });
    return { hostname: v, hostnameSource: source };
  }
  return { hostname: os.hostname(), hostnameSource: 'machine' };
}

function hostnameProblem(h: string): string | undefined {
  if (h.length > 253) return 'is longer than 253 characters';
  // it is compared with the keys of repo configs and shown on pages: no spaces or control characters
  if (/[\s/]/.test(h) || [...h].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return 'must not contain spaces, slashes or control characters';
  return undefined;
}
