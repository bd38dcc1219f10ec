import type { Problem } from '../errors';
import { validateWithSchema } from '../validation/validate-with-schema';
import { checkConfigValues } from './check-config-values';
import { stripComments } from './comment-keys';
import { quote } from './json-pointer';
import { scanHostileJson } from './scan-hostile-json';
import { MAX_TIMEOUT_SECONDS, repoConfigSchema } from './schema';
import type { RepoConfig } from './types';

export const DEFAULT_CONFIG_SIZE_LIMIT = 1024 * 1024;

export interface ParsedRepoConfig {
  /** present only when there are no problems */
  config?: RepoConfig;
  problems: Problem[];
}

/**
 * Parse and validate the text of a repo config. Never throws: whatever a pusher wrote
 * (bad JSON, a huge file, prototype keys, deep nesting, wrong types) comes back as
 * problems, all of them at once, each with a path and what was expected.
 */
export function parseRepoConfig(text: string, sizeLimitBytes = DEFAULT_CONFIG_SIZE_LIMIT): ParsedRepoConfig {
  try {
    return parse(text, sizeLimitBytes);
  } catch (err) {
    // Belt and braces: a bug here must surface as a config problem, not a crashed worker.
    return { problems: [{ path: '', message: `could not be checked: ${err instanceof Error ? err.message : String(err)}` }] };
  }
}

function parse(text: string, sizeLimitBytes: number): ParsedRepoConfig {
  if (typeof text !== 'string') return fail('', 'the config must be text');
  // Refused by size before JSON.parse sees it: parsing 50 MB would stall the worker.
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > sizeLimitBytes) {
    return fail('', `the file is ${bytes} bytes, over the ${sizeLimitBytes}-byte limit for a repo config`);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return fail('', 'the file is empty; it must hold a JSON object with a "configs" key');
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    return fail('', jsonErrorMessage(body, err));
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return fail('', `must be a JSON object with a "configs" key (got ${doc === null ? 'null' : Array.isArray(doc) ? 'an array' : typeof doc})`);
  }
  const hostile = scanHostileJson(doc);
  if (hostile.length > 0) return { problems: hostile };
  const clean = stripComments(doc);
  const problems = [...validateWithSchema(repoConfigSchema, clean).map((p) => explainSchemaProblem(p, clean)), ...checkConfigValues(clean)];
  if (problems.length > 0) return { problems };
  return { config: clean as RepoConfig, problems: [] };
}

function fail(path: string, message: string): ParsedRepoConfig {
  return { problems: [{ path, message }] };
}

/** "not valid JSON: <what> at line L, column C", computed from V8's character position. */
function jsonErrorMessage(text: string, err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const what = raw.replace(/\s*\(line \d+ column \d+\)$/, '').replace(/\s+in JSON at position \d+$/, '');
  const m = /at position (\d+)/.exec(raw);
  if (!m) return `not valid JSON: ${what}`;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `not valid JSON: ${what} at line ${line}, column ${column}`;
}

/** Turn the schema validator's generic sentences into ones that name the value at fault. */
function explainSchemaProblem(problem: Problem, doc: unknown): Problem {
  const duplicate = /duplicate items \(items ## (\d+) and (\d+)/.exec(problem.message);
  if (duplicate) {
    // ajv: "must NOT have duplicate items (items ## 2 and 0 are identical)"
    const [later, earlier] = [Number(duplicate[1]), Number(duplicate[2])];
    const host = valueAt(doc, `${problem.path}/${later}`);
    return { path: problem.path, message: `lists host ${typeof host === 'string' ? quote(host) : 'the same item'} twice (items ${earlier} and ${later}); list each host once` };
  }
  if (/\/timeout$/.test(problem.path) && /^must be [<>]=/.test(problem.message)) {
    return { path: problem.path, message: `must be between 1 and ${MAX_TIMEOUT_SECONDS} seconds (got ${String(valueAt(doc, problem.path))})` };
  }
  if (/^must be an? (string|integer|number|object|array|boolean)$/.test(problem.message)) {
    return { path: problem.path, message: `${problem.message} (got ${jsonType(valueAt(doc, problem.path))})` };
  }
  return problem;
}

function valueAt(doc: unknown, path: string): unknown {
  let node = doc;
  for (const raw of path.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = node !== null && typeof node === 'object' && Object.prototype.hasOwnProperty.call(node, key) ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : `the number ${v}`;
  return `a ${typeof v}`;
}
