import fs from 'node:fs';
import path from 'node:path';
import { IntegralGitError } from '../errors';

export const SETTINGS_ENV = 'INTEGRALGIT_SETTINGS';
const NAMES = ['settings.json', 'settings.yaml', 'settings.yml'];
export const SYSTEM_SETTINGS_DIR = '/etc/integralgit';

export interface LocatedSettings {
  file: string;
  /** how it was chosen, for the start-up log line */
  source: 'flag' | 'env' | 'cwd' | 'system';
}

/**
 * Which settings file a command reads (SPEC §12): `--settings F`, else
 * `$INTEGRALGIT_SETTINGS`, else `./settings.{json,yaml,yml}`, else
 * `/etc/integralgit/settings.{json,yaml,yml}`. A flag or variable naming a missing file is
 * not silently replaced by another one: the file is returned and reading it fails clearly.
 */
export function locateSettingsFile(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
  systemDir: string = SYSTEM_SETTINGS_DIR,
): LocatedSettings {
  if (flag !== undefined && flag !== '') return { file: path.resolve(cwd, flag), source: 'flag' };
  const fromEnv = env[SETTINGS_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { file: path.resolve(cwd, fromEnv), source: 'env' };
  const tried: string[] = [];
  for (const [dir, source] of [[cwd, 'cwd'], [systemDir, 'system']] as const) {
    for (const name of NAMES) {
      const file = path.join(dir, name);
      tried.push(file);
      if (fs.existsSync(file)) return { file, source };
    }
  }
  throw new IntegralGitError(
    'IG_SETTINGS_INVALID',
    `no settings file found: pass --settings F or set ${SETTINGS_ENV}; looked for ${tried.join(', ')} (see docs/reference/settings.md)`,
    { tried },
  );
}
