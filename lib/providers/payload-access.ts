import { IntegralGitError } from '../errors';

/**
 * Safe readers for untrusted payloads: every field may be missing or of the wrong type,
 * and none of them may make a parser throw anything but IG_PAYLOAD_INVALID.
 */

export type Json = Record<string, unknown>;

export function obj(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** `get(o, 'a', 'b')` reads o.a.b, or undefined when any step is missing. */
export function get(value: unknown, ...keys: string[]): unknown {
  let current: unknown = value;
  for (const key of keys) {
    const o = obj(current);
    if (!o || !Object.prototype.hasOwnProperty.call(o, key)) return undefined;
    current = o[key];
  }
  return current;
}

export function getStr(value: unknown, ...keys: string[]): string | undefined {
  return str(get(value, ...keys));
}

/** A commit id, or null for the all-zero id hosts use for "no commit" (creation, deletion). */
export function commitId(value: unknown): string | null {
  const id = str(value);
  if (id === undefined || /^0+$/.test(id)) return null;
  return id;
}

export function invalid(message: string): IntegralGitError {
  return new IntegralGitError('IG_PAYLOAD_INVALID', message);
}

/**
 * A ref name as a git host would allow it. Payload refs later reach git (as arguments,
 * never through a shell), so anything a host would never send is refused here.
 */
export function checkedRef(value: unknown, field: string): string {
  const ref = str(value);
  if (ref === undefined) throw invalid(`push payload has no \`${field}\` (the pushed ref)`);
  const components = ref.split('/');
  const bad =
    ref.length > 1024 ||
    // eslint-disable-next-line no-control-regex
    /[\x00-\x20\x7f~^:?*[\\]/.test(ref) ||
    ref.includes('..') ||
    ref.includes('@{') ||
    components.some((c) => c === '' || c.startsWith('.') || c.endsWith('.lock')) ||
    // git refuses branch and tag names that start with a dash (they would read as options)
    (components.length > 2 && components[2].startsWith('-')) ||
    ref.startsWith('-');
  if (bad) throw invalid(`push payload \`${field}\` is not a valid git ref name`);
  return ref;
}

export function refParts(ref: string): { branch: string | null; tag: string | null } {
  if (ref.startsWith('refs/heads/')) return { branch: ref.slice('refs/heads/'.length), tag: null };
  if (ref.startsWith('refs/tags/')) return { branch: null, tag: ref.slice('refs/tags/'.length) };
  return { branch: null, tag: null };
}

/** `Jane Doe <jane@example.com>` → name and email, as Bitbucket writes authors. */
export function splitRawAuthor(raw: string): { name: string; email?: string } {
  const match = /^\s*(.*?)\s*<([^<>]*)>\s*$/.exec(raw);
  if (!match) return { name: raw.trim() };
  return { name: match[1] || match[2], email: match[2] || undefined };
}

/** Distinct non-empty strings, in order. */
export function distinct(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))];
}
