/**
 * Typed reads from the parsed settings. Semantic checks run even when the schema already
 * found problems (so that every problem is listed at once), so they cannot trust a value's
 * type: these guards return undefined for anything of the wrong shape, which the schema
 * has already reported.
 */

export type RawObject = Record<string, unknown>;

export function asObject(v: unknown): RawObject | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as RawObject) : undefined;
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function asInteger(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

export function asStringArray(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v) : undefined;
}

/** Own keys only: a `__proto__` key parsed from JSON is an own property, never the prototype. */
export function ownEntries(o: RawObject): [string, unknown][] {
  return Object.keys(o).map((k) => [k, Object.getOwnPropertyDescriptor(o, k)?.value]);
}

/** JSON-pointer segment for a key (RFC 6901). */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
