/** Helpers for showing what a payload said about a commit; nothing here trusts its input. */

/** The subject line and the rest of a commit message (body without the blank separator line). */
export function splitMessage(message: string): { subject: string; body: string } {
  const text = message.replace(/\r\n?/g, '\n');
  const nl = text.indexOf('\n');
  if (nl < 0) return { subject: text, body: '' };
  return { subject: text.slice(0, nl), body: text.slice(nl + 1).replace(/^\n+/, '').trimEnd() };
}

/**
 * A link to the git host's page for a commit, only when it is plain http(s): a payload
 * could carry `javascript:` or `data:` URLs, which must never become an href.
 */
export function safeWebUrl(url: string | null | undefined): string | undefined {
  if (!url || url.length > 2048) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  if (parsed.username || parsed.password) return undefined;
  return parsed.href;
}

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 10) : '';
}
