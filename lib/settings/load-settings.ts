import path from 'node:path';
import { IntegralGitError, formatProblems, type Problem } from '../errors';
import { validateWithSchema } from '../validation/validate-with-schema';
import { asObject } from './raw-access';
import { readSettingsFile } from './read-settings-file';
import { resolveSettings, type ResolveOptions } from './resolve-settings';
import { settingsSchema } from './schema';
import type { Settings, SettingsOverrides } from './types';

export { allSecretEnvNames, allSecretValues } from './secret-lists';
export { detectGitBinary } from './detect-git-binary';

/** Past this many, the message says how many more (data.problems keeps them all). */
const MAX_PROBLEMS_SHOWN = 50;
const MAX_PROBLEM_CHARS = 300;

/**
 * Read, validate and resolve the server settings file (JSON, or YAML for .yaml/.yml).
 * Throws one IG_SETTINGS_INVALID listing every problem found (data.problems), or saying
 * that the file is missing, unreadable or not parseable (with line and column).
 */
export function loadSettings(file: string, overrides?: SettingsOverrides, env?: NodeJS.ProcessEnv, opts: { secretsOptional?: boolean } = {}): Settings {
  const abs = path.resolve(file);
  const raw = readSettingsFile(abs);
  return settingsFromObject(raw, { file: abs, baseDir: path.dirname(abs), overrides, env, secretsOptional: opts.secretsOptional });
}

/**
 * The same checks and resolution for settings already in memory (the demo's embedded
 * defaults). `file` names them in messages; relative paths are resolved against `baseDir`.
 */
export function settingsFromObject(raw: unknown, opts: ResolveOptions): Settings {
  const problems = validateWithSchema(settingsSchema, raw);
  const obj = asObject(raw);
  const settings = obj ? resolveSettings(obj, opts, problems) : undefined;
  if (!settings || problems.length > 0) throw settingsProblems(opts.file, problems);
  return settings;
}

export function settingsProblems(file: string, problems: Problem[]): IntegralGitError {
  const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => ({ path: clip(p.path), message: clip(p.message) }));
  const more = problems.length - shown.length;
  const tail = more > 0 ? `\n  … and ${more} more problem${more === 1 ? '' : 's'}` : '';
  return new IntegralGitError('IG_SETTINGS_INVALID', `settings file ${file} is invalid:\n${formatProblems(shown)}${tail}`, {
    file,
    problems,
  });
}

// hostile files can have megabyte-long keys; a message stays readable
function clip(s: string): string {
  return s.length > MAX_PROBLEM_CHARS ? `${s.slice(0, MAX_PROBLEM_CHARS)}…` : s;
}
