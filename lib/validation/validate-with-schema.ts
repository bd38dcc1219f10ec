import type { ErrorObject, ValidateFunction } from 'ajv';
import type Levenshtein from 'fastest-levenshtein';
import type { Problem } from '../errors';
import { precompiledValidator } from './precompiled-validator';

/**
 * JSON Schema validation shared by the server settings and the repo config: every problem
 * at once, each with a path, what is wrong and what was expected, and a "did you mean"
 * for unknown keys (the most common mistake: `groups` for `hostgroups`).
 */
const compiled = new WeakMap<object, ValidateFunction>();
let ajv: import('ajv').default | undefined;

export function validateWithSchema(schema: object, data: unknown): Problem[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = precompiledValidator(schema) ?? compileWithAjv(schema);
    compiled.set(schema, validate);
  }
  if (validate(data)) return [];
  const errors = collapseUnions(validate.errors ?? [], schema);
  return dedupe(errors.filter(isUseful).map((e) => toProblem(e, schema)));
}

/** Schemas the build did not compile ahead of time (and every schema under ts-jest). */
function compileWithAjv(schema: object): ValidateFunction {
  // loaded only here: ajv's compiler is ~60 modules the CLI and the server need not load
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ajv ??= (require('./create-ajv') as typeof import('./create-ajv')).createAjv();
  return ajv.compile(schema);
}

/** The nearest allowed name when it is close enough to be a plausible typo. */
export function didYouMean(name: string, allowed: string[]): string | undefined {
  if (allowed.length === 0) return undefined;
  const lower = name.toLowerCase();
  const sameIgnoringCase = allowed.find((a) => a.toLowerCase() === lower);
  if (sameIgnoringCase) return sameIgnoringCase;
  // `secretenv` contains `secret` but means `secretEnv`: among the names that contain the
  // key (or that it contains), take the nearest, not the first listed
  const containing = lower.length >= 3 ? allowed.filter((a) => a.toLowerCase().includes(lower) || lower.includes(a.toLowerCase())) : [];
  if (containing.length) return nearest(lower, containing);
  const best = levenshteinModule().closest(name, allowed);
  const distance = levenshtein(lower, best.toLowerCase());
  return distance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** Loaded for the first unknown key only: valid settings never need it. */
function levenshteinModule(): typeof Levenshtein {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('fastest-levenshtein') as typeof Levenshtein;
}

function levenshtein(a: string, b: string): number {
  return levenshteinModule().distance(a, b);
}

function nearest(lower: string, candidates: string[]): string {
  return candidates.reduce((best, c) => (levenshtein(lower, c.toLowerCase()) < levenshtein(lower, best.toLowerCase()) ? c : best));
}

/**
 * For an `anyOf`/`oneOf` node annotated with `x-expected`, replace the errors of all its
 * branches by that single sentence (kept as the union's own error, reported by toProblem).
 */
function collapseUnions(errors: ErrorObject[], schema: object): ErrorObject[] {
  const unions = errors.filter((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && expectedAt(schema, e.schemaPath) !== undefined);
  if (unions.length === 0) return errors;
  const inside = (e: ErrorObject) => unions.some((u) => e !== u && e.schemaPath.startsWith(`${u.schemaPath}/`) && e.instancePath.startsWith(u.instancePath));
  return errors
    .filter((e) => !inside(e))
    .map((e) => (unions.includes(e) ? { ...e, keyword: 'x-expected', message: expectedAt(schema, e.schemaPath) } : e));
}

function expectedAt(schema: object, schemaPath: string): string | undefined {
  const node = nodeAt(schema, schemaPath.replace(/^#\//, '').split('/').slice(0, -1).map(unescapePointer));
  const expected = node && typeof node === 'object' ? (node as Record<string, unknown>)['x-expected'] : undefined;
  return typeof expected === 'string' ? expected : undefined;
}

function isUseful(e: ErrorObject): boolean {
  // "must match a schema in anyOf/oneOf" repeats what the branch errors already said
  return e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && e.keyword !== 'if';
}

function toProblem(e: ErrorObject, schema: object): Problem {
  const at = e.instancePath;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = allowedKeys(schema, e.schemaPath);
      const hint = didYouMean(key, allowed);
      const expected = allowed.length ? ` (allowed: ${allowed.join(', ')})` : '';
      return {
        path: `${at}/${escapePointer(key)}`,
        message: `unknown key "${key}"${hint ? `; did you mean "${hint}"?` : expected}`,
      };
    }
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      return { path: `${at}/${escapePointer(key)}`, message: 'is required but missing' };
    }
    case 'type':
      return { path: at, message: `must be ${article(String((e.params as { type: string }).type))}` };
    case 'enum':
      return {
        path: at,
        message: `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    default:
      return { path: at, message: e.message ?? `fails ${e.keyword}` };
  }
}

function allowedKeys(schema: object, schemaPath: string): string[] {
  // schemaPath looks like "#/properties/repos/additionalProperties/additionalProperties"
  const parts = schemaPath.replace(/^#\//, '').split('/').slice(0, -1).map(unescapePointer);
  const node = nodeAt(schema, parts);
  const props = node && typeof node === 'object' ? (node as { properties?: object }).properties : undefined;
  return props ? Object.keys(props) : [];
}

function nodeAt(schema: object, parts: string[]): unknown {
  let node: unknown = schema;
  for (const p of parts) {
    if (node && typeof node === 'object') node = (node as Record<string, unknown>)[p];
    node = resolveRef(schema, node);
  }
  return node;
}

function resolveRef(schema: object, node: unknown): unknown {
  if (node && typeof node === 'object' && typeof (node as { $ref?: unknown }).$ref === 'string') {
    const ref = (node as { $ref: string }).$ref.replace(/^#\//, '').split('/').map(unescapePointer);
    let target: unknown = schema;
    for (const p of ref) target = (target as Record<string, unknown>)?.[p];
    return target;
  }
  return node;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}\0${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
