/**
 * Replaces every known secret value in a stream of text with `***`, the second line of
 * defence behind keeping secrets out of the script's environment (SPEC §8: no secret
 * appears in the log, the pages, the API or the database). A secret split across two
 * chunks is still caught: the tail of a chunk that could begin a secret is held back until
 * the next chunk (or the end) tells.
 *
 * Values shorter than MIN_SECRET_LENGTH are not masked: masking every `a` of the output
 * would hide the log and protect nothing, such a secret is guessable anyway.
 */
export const MASK = '***';
export const MIN_SECRET_LENGTH = 4;

export class SecretMasker {
  private readonly secrets: string[];
  private readonly pattern: RegExp | undefined;
  private carry = '';

  constructor(values: Iterable<string>) {
    this.secrets = [...new Set([...values].filter((v) => typeof v === 'string' && v.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
    this.pattern = this.secrets.length ? new RegExp(this.secrets.map(escapeRegExp).join('|'), 'g') : undefined;
  }

  /** The masked text that can be released now; part of the end may be held for the next call. */
  push(text: string): string {
    if (!this.pattern) return text;
    const masked = (this.carry + text).replace(this.pattern, MASK);
    const keep = this.heldBackFrom(masked);
    this.carry = masked.slice(keep);
    return masked.slice(0, keep);
  }

  /** What was held back: at the end of the stream it is no secret. */
  end(): string {
    const rest = this.carry;
    this.carry = '';
    return rest;
  }

  /** Where the longest tail of `text` that is a proper beginning of some secret starts (text.length when none). */
  private heldBackFrom(text: string): number {
    const longest = this.secrets[0].length;
    for (let i = Math.max(0, text.length - longest + 1); i < text.length; i++) {
      const tail = text.slice(i);
      if (this.secrets.some((s) => s.length > tail.length && s.startsWith(tail))) return i;
    }
    return text.length;
  }
}

/** Masks a whole string at once (error messages, stored text). */
export function maskSecrets(text: string, values: Iterable<string>): string {
  const m = new SecretMasker(values);
  return m.push(text) + m.end();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
