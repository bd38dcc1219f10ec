import http from 'node:http';
import https from 'node:https';

export interface ProbeResult {
  /** the response status, when one came */
  status?: number;
  /** why no status came: refused, timed out, … */
  error?: string;
  durationMs: number;
}

/**
 * One GET of the health URL. Redirects are not followed (a 3xx is the answer, so a health
 * check never leaves the hosts allowed for it); the body is drained and dropped; the request
 * is abandoned after `timeoutMs` (a hanging app is a failed attempt, not a hung deployment).
 */
export function probeUrl(url: URL, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: Omit<ProbeResult, 'durationMs'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ ...r, durationMs: elapsed() });
    };
    const req = client.get(url, { headers: { 'user-agent': 'IntegralGit-healthcheck', connection: 'close' }, agent: false, signal }, (res) => {
      res.resume();
      finish({ status: res.statusCode });
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish({ error: err.code === 'ECONNREFUSED' ? 'connection refused' : err.code ?? err.message }));
    const timer = setTimeout(() => finish({ error: `no answer within ${(timeoutMs / 1000).toFixed(1)}s` }), timeoutMs);
  });
}
