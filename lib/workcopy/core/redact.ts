/** `text` with every non-empty secret replaced by `***` (git's stderr can echo a token back). */
export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}
