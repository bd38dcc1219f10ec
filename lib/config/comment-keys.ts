/**
 * The comment convention of the repo config: JSON has no comments, so any object key that
 * is `"//"` or starts with `"//"` (`"// why canary"`) is a comment, anywhere in the file.
 * Its value must be a string or an array of strings; it is dropped before validation and
 * never reaches the merged config. Several comments in one object need distinct keys
 * because JSON.parse keeps only the last of duplicate keys.
 */
export function isCommentKey(key: string): boolean {
  return key.startsWith('//');
}

export function isCommentValue(value: unknown): boolean {
  return typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
}

/** A copy of a JSON value with every comment key removed (input already scanned: no `__proto__`). */
export function stripComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripComments);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (!isCommentKey(k)) out[k] = stripComments(v);
    }
    return out;
  }
  return value;
}
