import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeTempDir } from '../helpers/git-fixture';
import { openStore, type Store, type OutboxMessage } from '../../lib/store';
import { OutboxDispatcher, OutboxPermanentError, outboxWriter } from '../../lib/outbox';
import { DeploymentEvents } from '../../lib/deploy/events';
import { createQueuedDeployment } from '../../lib/deploy/recorder';
import { silentLogger } from '../../lib/log/logger';

/** A real HTTP target on 127.0.0.1 whose answers the test scripts: a status code, or no answer at all. */
class Target {
  readonly received: Array<{ path: string; body: string; at: number }> = [];
  answers: Array<number | 'hang'> = [];
  private readonly server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      this.received.push({ path: req.url ?? '', body, at: Date.now() });
      const answer = this.answers.shift() ?? 200;
      if (answer === 'hang') return; // never answers: only the attempt's timeout ends it
      res.writeHead(answer).end();
    });
  });
  url = '';
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The sender the notification channels will look like: POST the payload, 2xx is delivered. */
async function postJson(m: OutboxMessage, signal: AbortSignal): Promise<void> {
  const { url, body } = m.payload as { url: string; body: unknown };
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal, redirect: 'manual' });
  if (res.status === 404) throw new OutboxPermanentError(`${url} answered 404`);
  if (res.status < 200 || res.status > 299) throw new Error(`${url} answered ${res.status}`);
}

async function until(pred: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('outbox dispatcher on a real SQLite file and real HTTP targets', () => {
  let dir: string;
  let store: Store;
  const targets: Target[] = [];
  const dispatchers: OutboxDispatcher[] = [];
  const target = async () => {
    const t = await new Target().start();
    targets.push(t);
    return t;
  };
  const dispatcher = (s: Store, opts: ConstructorParameters<typeof OutboxDispatcher>[2] = {}) => {
    const d = new OutboxDispatcher(s, silentLogger(), { pollMs: 50, attemptTimeoutMs: 2000, retry: { baseDelayMs: 100, maxDelayMs: 400 }, ...opts }).register('http', postJson);
    dispatchers.push(d);
    return d;
  };
  const enqueue = (s: Store, url: string, body: unknown = {}, extra: { deploymentId?: number; event?: string } = {}) =>
    s.enqueueOutbox([{ kind: 'http', target: url, payload: { url: `${url}/hook`, body }, repo: 'app', ...extra }])[0];

  beforeEach(() => {
    dir = makeTempDir('ig-outbox-');
    store = openStore(dir);
  });
  afterEach(async () => {
    for (const d of dispatchers.splice(0)) await d.stop();
    for (const t of targets.splice(0)) await t.close();
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('retries a failing target with back-off until it answers, recording every attempt', async () => {
    const t = await target();
    t.answers = [500, 503];
    const id = enqueue(store, t.url, { n: 1 });
    dispatcher(store).start();
    await until(() => store.getOutboxMessage(id)?.status === 'sent', 'the message sent');
    expect(store.getOutboxMessage(id)).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    const attempts = store.outboxAttempts(id);
    expect(attempts.map((a) => [a.attempt, a.ok])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(attempts[0].error).toContain('answered 500');
    expect(attempts[1].error).toContain('answered 503');
    expect(t.received.map((r) => JSON.parse(r.body))).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);
    // back-off: the second attempt waited at least half the base delay
    expect(t.received[1].at - t.received[0].at).toBeGreaterThanOrEqual(50);
  });

  it('survives a restart mid-retry: a new process picks the pending message up and delivers it', async () => {
    const t = await target();
    t.answers = [500];
    const id = enqueue(store, t.url);
    const first = dispatcher(store, { retry: { baseDelayMs: 1500, maxDelayMs: 1500 } });
    first.start();
    await until(() => store.outboxAttempts(id).length === 1, 'the first attempt recorded');
    await first.stop();
    store.close();
    expect(t.received).toHaveLength(1);

    store = openStore(dir);
    expect(store.getOutboxMessage(id)).toMatchObject({ status: 'pending', attempts: 1 });
    dispatcher(store).start();
    await until(() => store.getOutboxMessage(id)?.status === 'sent', 'the message sent after the restart');
    expect(store.getOutboxMessage(id)?.attempts).toBe(2);
    expect(t.received).toHaveLength(2);
  });

  it('a hanging target does not delay another target; its attempt ends at the timeout and is retried', async () => {
    const slow = await target();
    const fast = await target();
    slow.answers = ['hang'];
    const stuck = enqueue(store, slow.url);
    const d = dispatcher(store, { attemptTimeoutMs: 1500 });
    d.start();
    await until(() => slow.received.length === 1, 'the hanging request');
    const started = Date.now();
    const quick = enqueue(store, fast.url);
    d.kick();
    await until(() => store.getOutboxMessage(quick)?.status === 'sent', 'the other target served');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(store.getOutboxMessage(stuck)?.status).toBe('pending');
    await until(() => store.getOutboxMessage(stuck)?.status === 'sent', 'the hanging one retried');
    expect(store.outboxAttempts(stuck)[0]).toMatchObject({ ok: false, error: 'no answer within 1.5s' });
  });

  it('keeps one lane in order: the second message to a target waits for the first', async () => {
    const t = await target();
    t.answers = [500];
    const a = enqueue(store, t.url, { n: 'a' });
    const b = enqueue(store, t.url, { n: 'b' });
    dispatcher(store).start();
    await until(() => store.getOutboxMessage(b)?.status === 'sent', 'both sent');
    expect(t.received.map((r) => (JSON.parse(r.body) as { n: string }).n)).toEqual(['a', 'a', 'b']);
    expect(store.getOutboxMessage(a)?.status).toBe('sent');
  });

  it('gives up: `failed` after the retry window, or at once on a permanent refusal', async () => {
    const t = await target();
    t.answers = [500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 404];
    const expiring = enqueue(store, t.url);
    dispatcher(store, { retry: { baseDelayMs: 50, maxDelayMs: 50, giveUpAfterMs: 300 } }).start();
    await until(() => store.getOutboxMessage(expiring)?.status === 'failed', 'the message given up');
    expect(store.getOutboxMessage(expiring)?.lastError).toContain('answered 500');

    t.answers = [404];
    const refused = enqueue(store, t.url);
    await until(() => store.getOutboxMessage(refused)?.status === 'failed', 'the refused message failed');
    expect(store.getOutboxMessage(refused)).toMatchObject({ attempts: 1, lastError: `${t.url}/hook answered 404` });
  });

  it('two dispatchers sharing the database (server and CLI) never send one message twice', async () => {
    const t = await target();
    const ids = Array.from({ length: 20 }, (_, i) => enqueue(store, `${t.url}#${i % 4}`, { i }));
    const other = openStore(dir);
    try {
      const a = dispatcher(store);
      const b = dispatcher(other);
      a.start();
      b.start();
      await until(() => ids.every((id) => store.getOutboxMessage(id)?.status === 'sent'), 'all sent');
      expect(t.received).toHaveLength(20);
      await a.stop();
      await b.stop();
    } finally {
      other.close();
    }
  });

  it('outboxWriter turns deployment events into rows listed with the deployment; flush() delivers them', async () => {
    const t = await target();
    const events = new DeploymentEvents(silentLogger());
    const d = dispatcher(store);
    outboxWriter(
      events,
      store,
      (e) => (e.type === 'queued' ? [{ kind: 'http', target: t.url, event: 'queued', payload: { url: `${t.url}/hook`, body: { id: e.deploymentId } }, deploymentId: e.deploymentId, repo: e.repo }] : undefined),
      () => d.kick(),
    );
    const deploymentId = createQueuedDeployment(store, events, { repo: 'app', host: 'web1', branch: 'master', trigger: 'cli' });
    expect(store.outboxOfDeployment(deploymentId)).toMatchObject([{ kind: 'http', target: t.url, event: 'queued', status: 'pending', attempts: 0 }]);
    await d.flush(5000);
    expect(store.outboxOfDeployment(deploymentId)).toMatchObject([{ status: 'sent', attempts: 1 }]);
    expect(JSON.parse(t.received[0].body)).toEqual({ id: deploymentId });
  });
});
