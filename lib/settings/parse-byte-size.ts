const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/**
 * "25mb" → 26214400. Units are powers of 1024, as in Express's body parser, whose limit
 * strings users already know. Returns undefined for anything else.
 */
export function parseByteSize(s: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(s);
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]);
  return Number.isSafeInteger(bytes) && bytes >= 1 ? bytes : undefined;
}
