/**
 * POST as a git host does: when a pooled keep-alive socket turns out closed by the server
 * at its keepAliveTimeout just as this request reused it (timers run late on a loaded
 * machine), send the same delivery again, as a git host retries; its delivery id makes
 * it one delivery either way.
 */
export async function postRetryingStale(url: string, body: string | Buffer, headers: Record<string, string>): Promise<Response> {
  try {
    return await fetch(url, { method: 'POST', body, headers });
  } catch (err) {
    if (!isStaleSocket(err)) throw err;
    return fetch(url, { method: 'POST', body, headers });
  }
}

function isStaleSocket(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } })?.cause;
  return cause?.code === 'ECONNRESET' || cause?.code === 'UND_ERR_SOCKET';
}
