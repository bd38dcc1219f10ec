import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';
import type { Problem } from '../errors';

/**
 * JSON Schema validation shared by the server settings and the repo config: every problem
 * at once, each with a path, what is wrong and what was expected, and a "did you mean"
 * for unknown keys (the most common mistake: `groups` for `hostgroups`).
 */
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const compiled = new WeakMap<object, ValidateFunction>();

export function validateWithSchema(schema: object, data: unknown): Problem[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(data)) return [];
  return dedupe((validate.errors ?? []).filter(isUseful).map((e) => toProblem(e, schema)));
}

/** The nearest allowed name when it is close enough to be a plausible typo. */
export function didYouMean(name: string, allowed: string[]): string | undefined {
  if (allowed.length === 0) return undefined;
  const lower = name.toLowerCase();
  const containing = allowed.find((a) => a.toLowerCase().includes(lower) || lower.includes(a.toLowerCase()));
  if (containing) return containing;
  const best = closest(name, allowed);
  const distance = levenshtein(lower, best.toLowerCase());
  return distance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  return distance(a, b);
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
  let node: unknown = schema;
  for (const p of parts) {
    if (node && typeof node === 'object') node = (node as Record<string, unknown>)[p];
    node = resolveRef(schema, node);
  }
  const props = node && typeof node === 'object' ? (node as { properties?: object }).properties : undefined;
  return props ? Object.keys(props) : [];
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
