import fs from 'node:fs';
import path from 'node:path';
import type YAMLModule from 'yaml';
import { IntegralGitError, formatProblems } from '../errors';
import type * as LocateJsonError from './locate-json-error';

/** A settings file is a page of text; anything bigger is the wrong file or an attack. */
export const MAX_SETTINGS_BYTES = 1024 * 1024;

/**
 * Read and parse a settings file: YAML for `.yaml`/`.yml`, JSON otherwise. Every failure
 * is an IG_SETTINGS_INVALID naming the file and, for syntax errors, the line and column
 * (never a snippet of the text: it may hold a secret).
 */
export function readSettingsFile(file: string): unknown {
  const text = readText(file);
  const isYaml = /\.ya?ml$/i.test(file);
  if (text.trim() === '') throw invalid(file, 'the file is empty; it must hold a JSON object (see docs/reference/settings.md)');
  return isYaml ? parseYaml(file, text) : parseJson(file, text);
}

export function settingsInvalid(file: string, message: string, data: Record<string, unknown> = {}): IntegralGitError {
  return new IntegralGitError('IG_SETTINGS_INVALID', `settings file ${file} ${message}`, { file, ...data });
}

function invalid(file: string, message: string): IntegralGitError {
  const problems = [{ path: '', message }];
  return settingsInvalid(file, `is invalid:\n${formatProblems(problems)}`, { problems });
}

function readText(file: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw settingsInvalid(file, 'not found; pass --settings or create it (see docs/reference/settings.md)');
    }
    throw settingsInvalid(file, `cannot be read (${code ?? String(err)}); check its permissions for the user running integralgit`);
  }
  if (stat.isDirectory()) throw settingsInvalid(file, 'is a directory; pass the path of the settings file itself (e.g. settings.json)');
  if (!stat.isFile()) throw settingsInvalid(file, 'is not a regular file');
  if (stat.size > MAX_SETTINGS_BYTES) {
    throw settingsInvalid(file, `is ${stat.size} bytes; a settings file is at most ${MAX_SETTINGS_BYTES} bytes (is this the right file?)`);
  }
  try {
    return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw settingsInvalid(file, `cannot be read (${code ?? String(err)}); check its permissions for the user running integralgit`);
  }
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const { jsonErrorOffset, lineColumn } = locateJsonError();
    const offset = jsonErrorOffset(text);
    const { line, column } = lineColumn(text, offset < 0 ? text.length : offset);
    const before = text.slice(0, Math.max(offset, 0)).trimEnd().slice(-1);
    const what =
      offset >= text.length
        ? 'unexpected end of file (an unclosed { [ or ")'
        : before === ',' && (text[offset] === '}' || text[offset] === ']')
          ? 'trailing comma (not allowed in JSON)'
          : `unexpected ${describeChar(text[offset])}`;
    const hint = path.extname(file).toLowerCase() === '.json' ? '' : ' (name the file .yaml or .yml to write YAML)';
    throw invalid(file, `is not valid JSON: ${what} at line ${line}, column ${column}${hint}`);
  }
}

function parseYaml(file: string, text: string): unknown {
  try {
    // loaded only for YAML files: the parser is ~70 modules a JSON settings file never needs
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const YAML = require('yaml') as typeof YAMLModule;
    // prettyErrors off: the pretty form quotes the offending line, which may hold a secret
    return YAML.parse(text, { prettyErrors: false, uniqueKeys: true, maxAliasCount: 100 });
  } catch (err) {
    if (err instanceof RangeError || /call stack/i.test(String((err as Error).message))) throw invalid(file, 'is not valid YAML: it is nested too deeply');
    const e = err as { message?: string; pos?: [number, number] };
    const reason = (e.message ?? String(err)).split('\n')[0];
    const where = Array.isArray(e.pos) ? (({ line, column }) => ` at line ${line}, column ${column}`)(locateJsonError().lineColumn(text, e.pos[0])) : '';
    throw invalid(file, `is not valid YAML: ${reason}${where}`);
  }
}

/** The scanner that finds where JSON stops being JSON: needed only for a file that does not parse. */
function locateJsonError(): typeof LocateJsonError {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./locate-json-error') as typeof LocateJsonError;
}

function describeChar(c: string | undefined): string {
  if (c === undefined) return 'end of file';
  if (c === "'") return "single quote (JSON strings use double quotes)";
  if (c === '/') return 'slash (comments are not allowed in JSON)';
  if (/[A-Za-z_$]/.test(c)) return `character "${c}" (keys and strings need double quotes)`;
  return `character ${JSON.stringify(c)}`;
}
