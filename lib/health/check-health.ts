import http from 'node:http';
import { localServerUrl } from '../settings/local-server-url';
import type { Settings } from '../settings/types';

export interface HealthResult {
  ok: boolean;
  url: string;
  /** one line: what answered, or why nothing did */
  reason: string;
}

/**
 * Ask the server of these settings for `/healthz` (port, listen address and basePath from
 * the settings): the Docker HEALTHCHECK and a script's "is it up?". Never throws.
 */
export function checkHealth(settings: Pick<Settings, 'listen' | 'basePath'>, timeoutMs = 5000): Promise<HealthResult> {
  const url = `${localServerUrl(settings)}/healthz`;
  return new Promise((resolve) => {
    const done = (ok: boolean, reason: string) => resolve({ ok, url, reason });
    const req = http.get(url, { timeout: timeoutMs, headers: { accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= 64 * 1024) chunks.push(c);
      });
      res.on('end', () => {
        let status = 'no status';
        try {
          status = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { status?: unknown }).status ?? status);
        } catch {
          status = 'not the IntegralGit health answer (is another program on this port?)';
        }
        done(res.statusCode === 200 && status === 'ok', `${url} answered ${res.statusCode}: ${status}`);
      });
      res.on('error', (err) => done(false, `${url}: ${err.message}`));
    });
    req.on('timeout', () => {
      req.destroy();
      done(false, `${url} did not answer within ${timeoutMs} ms`);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ECONNREFUSED' ? 'connection refused: is `integralgit serve` running with these settings?' : err.message;
      done(false, `${url}: ${why}`);
    });
  });
}
