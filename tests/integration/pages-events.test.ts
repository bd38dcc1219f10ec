import http from 'node:http';
import { ServerHarness } from '../helpers/server-harness';
import { seedDeployment } from '../browser/helpers/seed-history';

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
}

/** A raw Server-Sent Events client: what an EventSource does, visible to the test. */
class SseClient {
  readonly events: SseEvent[] = [];
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  ended = false;
  private buffer = '';
  private req: http.ClientRequest;
  private waiters: Array<() => void> = [];

  constructor(url: string, headers: Record<string, string> = {}) {
    this.req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      this.status = res.statusCode ?? 0;
      this.headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        this.buffer += chunk;
        let idx;
        while ((idx = this.buffer.indexOf('\n\n')) >= 0) {
          const block = this.buffer.slice(0, idx);
          this.buffer = this.buffer.slice(idx + 2);
          const ev: SseEvent = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const key = line.slice(0, colon) as keyof SseEvent;
            ev[key] = line.slice(colon + 1).replace(/^ /, '');
          }
          if (Object.keys(ev).length) this.events.push(ev);
        }
        this.wake();
      });
      res.on('end', () => {
        this.ended = true;
        this.wake();
      });
    });
    this.req.on('error', () => {
      this.ended = true;
      this.wake();
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  async until(pred: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (this.ended && !pred()) throw new Error(`stream ended before: ${what}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  logs(): Array<{ seq: number; stream: string; text: string }> {
    return this.events.filter((e) => e.event === 'log').map((e) => JSON.parse(e.data!));
  }

  close(): void {
    this.req.destroy();
  }
}

describe('live log: Server-Sent Events', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await ServerHarness.start();
  });
  afterAll(() => h.close());

  it('streams new chunks as they are stored and ends with the final record', async () => {
    const id = seedDeployment(h.store, 'app', 'web1', { status: 'running', log: [['stdout', 'one\n']] });
    const sse = new SseClient(`${h.url}/app/deployments/${id}/events`);
    await sse.until(() => sse.logs().length === 1, 'the first chunk');
    expect(sse.status).toBe(200);
    expect(sse.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(sse.headers['cache-control']).toBe('no-cache, no-transform');
    expect(sse.events[0]).toEqual({ retry: '2000' });
    expect(sse.logs()[0]).toMatchObject({ stream: 'stdout', text: 'one\n' });
    const firstSeq = sse.logs()[0].seq;
    expect(sse.events.find((e) => e.event === 'log')!.id).toBe(String(firstSeq));

    h.store.appendLog(id, 'stderr', 'two\n');
    h.store.appendLog(id, 'stdout', 'three\n');
    await sse.until(() => sse.logs().length === 3, 'the next chunks');
    expect(sse.logs().map((c) => [c.stream, c.text])).toEqual([
      ['stdout', 'one\n'],
      ['stderr', 'two\n'],
      ['stdout', 'three\n'],
    ]);

    h.store.appendLog(id, 'stdout', 'last words\n');
    h.store.updateDeployment(id, { status: 'failed', finishedAt: new Date().toISOString(), exitCode: 1, error: 'script exited with code 1' });
    await sse.until(() => sse.ended, 'the end of the stream');
    expect(sse.logs().map((c) => c.text)).toContain('last words\n');
    const end = sse.events[sse.events.length - 1];
    expect(end.event).toBe('end');
    expect(JSON.parse(end.data!)).toMatchObject({ id, status: 'failed', exitCode: 1, error: 'script exited with code 1' });
  });

  it('resumes after Last-Event-ID (a reconnecting EventSource) or ?after=', async () => {
    const id = seedDeployment(h.store, 'app', 'web1', { status: 'running', log: [['stdout', 'a\n'], ['stdout', 'b\n'], ['stdout', 'c\n']] });
    const seqs = h.store.getLog(id).map((c) => c.seq);
    const resumed = new SseClient(`${h.url}/app/deployments/${id}/events?after=0`, { 'last-event-id': String(seqs[1]) });
    await resumed.until(() => resumed.logs().length >= 1, 'the chunk after the last seen');
    expect(resumed.logs().map((c) => c.text)).toEqual(['c\n']);
    resumed.close();
    const viaQuery = new SseClient(`${h.url}/app/deployments/${id}/events?after=${seqs[0]}`);
    await viaQuery.until(() => viaQuery.logs().length >= 2, 'chunks after ?after');
    expect(viaQuery.logs().map((c) => c.text)).toEqual(['b\n', 'c\n']);
    viaQuery.close();
    // a nonsense Last-Event-ID is read as "from the start"
    const junk = new SseClient(`${h.url}/app/deployments/${id}/events`, { 'last-event-id': 'abc' });
    await junk.until(() => junk.logs().length >= 3, 'all chunks');
    junk.close();
    h.store.updateDeployment(id, { status: 'succeeded', finishedAt: new Date().toISOString() });
  });

  it('a finished deployment sends what is left and ends at once', async () => {
    const id = seedDeployment(h.store, 'app', 'web1', { status: 'succeeded', log: [['stdout', 'done\n']] });
    const sse = new SseClient(`${h.url}/app/deployments/${id}/events`);
    await sse.until(() => sse.ended, 'the end');
    expect(sse.logs().map((c) => c.text)).toEqual(['done\n']);
    expect(sse.events[sse.events.length - 1].event).toBe('end');
  });

  it('404 for an unknown repo, deployment or id; another repo’s deployment is not served', async () => {
    const ghost = seedDeployment(h.store, 'ghost', 'web1', { status: 'running' });
    for (const route of ['/nope/deployments/1/events', '/app/deployments/999999/events', '/app/deployments/x/events', `/app/deployments/${ghost}/events`]) {
      const res = await fetch(h.url + route);
      expect({ route, status: res.status }).toEqual({ route, status: 404 });
    }
    h.store.updateDeployment(ghost, { status: 'succeeded' });
  });

  it('the page of a running deployment points its script at the stream, under basePath-built links', async () => {
    const id = seedDeployment(h.store, 'app', 'web1', { status: 'running', log: [['stdout', 'x\n']] });
    const html = await (await fetch(`${h.url}/app/deployments/${id}`)).text();
    const seq = h.store.getLog(id)[0].seq;
    expect(html).toContain(`data-events="/app/deployments/${id}/events" data-after="${seq}"`);
    h.store.updateDeployment(id, { status: 'succeeded', finishedAt: new Date().toISOString() });
  });
});
