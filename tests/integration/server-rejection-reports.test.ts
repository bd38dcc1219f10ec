import { Writable } from 'node:stream';
import winston from 'winston';
import { ServerHarness } from '../helpers/server-harness';
import { githubPushPayload, githubHeaders } from '../../lib/demo/github-push';

/**
 * A request refused before its body is decided on (wrong method, too large) and one refused
 * by the webhook decision (bad signature) take the same path: one row in the deliveries
 * log, one count in /metrics, one log line in one format.
 */
describe('rejected deliveries are reported one way', () => {
  let h: ServerHarness;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8').trim());
        done();
      },
    });
    const logger = winston.createLogger({ format: winston.format.printf((info) => `${info.level} ${String(info.message)}`), transports: [new winston.transports.Stream({ stream: sink })] });
    h = await ServerHarness.start({ logger, settings: { bodyLimit: 1024 } });
  });
  afterAll(() => h.close());

  const LINE = /^warn delivery (\S+) from (\S+) \(([^)]*)\): rejected (\d{3}): (.+)$/;
  const rejectedLines = () => lines.filter((l) => l.includes(': rejected '));

  it('gives a refused request and a refused delivery the same line, row and count', async () => {
    const get = await fetch(`${h.url}/update`);
    expect(get.status).toBe(405);
    const big = await fetch(`${h.url}/update`, { method: 'POST', body: 'x'.repeat(4096), headers: { 'content-type': 'application/json' } });
    expect(big.status).toBe(413);
    const body = githubPushPayload({ cloneUrl: h.repo.url, ref: 'refs/heads/master', before: '0'.repeat(40), after: h.repo.head('refs/heads/master'), commits: [] });
    expect((await h.post('/update', body, githubHeaders(body, 'wrong-secret'))).status).toBe(401);

    const reported = rejectedLines();
    expect(reported).toHaveLength(3);
    for (const line of reported) expect(line).toMatch(LINE);
    expect(reported.map((l) => LINE.exec(l)![4])).toEqual(['405', '413', '401']);
    expect(LINE.exec(reported[0])![3]).toBe('unknown provider');
    expect(LINE.exec(reported[2])![3]).toBe('github, repo app');

    const rows = h.store.listDeliveries({ limit: 10 }).items;
    expect(rows.map((d) => [d.outcome, d.statusCode])).toEqual([
      ['rejected', 401],
      ['rejected', 413],
      ['rejected', 405],
    ]);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    const counted = [...metrics.matchAll(/^integralgit_deliveries_total\{[^}]*outcome="rejected"[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(counted).toBe(3);
  });
});
