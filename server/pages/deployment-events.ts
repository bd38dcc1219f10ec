import type { Request, Response, RequestHandler } from 'express';
import { toApiDeployment } from '../../lib/history/repo-history';
import { describeError } from '../../lib/errors';
import type { DeploymentEvent } from '../../lib/deploy/events';
import type { PageEnv } from './page-env';
import { idParam, knownRepo } from './known-repo';

/**
 * How often an open stream reads the store for a deployment run by another process (a CLI
 * `trigger` or `rollback`): those reach this process only through the shared database.
 * A deployment run by this process is pushed from its events as they happen.
 */
export const POLL_MS = 1000;
/** A pushed stream still looks at the record now and then (a deployment ended by a database failure emits nothing). */
export const PUSHED_CHECK_MS = 5000;
/** A comment line now and then keeps proxies from closing a quiet stream. */
export const HEARTBEAT_MS = 15_000;
/** Streams open at once; each costs a timer and a small query per tick. */
export const MAX_STREAMS = 64;

function startAfter(req: Request): number {
  const header = req.headers['last-event-id'];
  const fromHeader = typeof header === 'string' ? header : undefined;
  const fromQuery = typeof req.query.after === 'string' ? req.query.after : undefined;
  const raw = fromHeader ?? fromQuery ?? '0';
  return /^[0-9]{1,15}$/.test(raw) ? Number(raw) : 0;
}

/**
 * `/<repo>/deployments/<id>/events`: the log as Server-Sent Events. Each chunk is an
 * event `log` whose `id` is its sequence number, so a reconnecting browser sends
 * `Last-Event-ID` and resumes exactly after the last chunk it got. When the deployment
 * is finished an `end` event carries its record and the stream closes.
 * Chunks of a deployment run by this process are pushed from the event stream; others
 * (CLI runs in another process) are read from the store every POLL_MS.
 */
export function deploymentEvents(env: PageEnv): RequestHandler {
  let open = 0;
  return (req: Request, res: Response) => {
    const { settings, store, logger, events } = env.ctx;
    const repo = knownRepo(settings, req);
    const id = idParam(req.params.id);
    const found = repo !== undefined && id !== undefined ? store.getDeployment(id) : undefined;
    if (!repo || id === undefined || !found || found.repo !== repo) {
      res.status(404).type('text').send('no such deployment');
      return;
    }
    if (open >= MAX_STREAMS) {
      res.status(503).set('Retry-After', '5').type('text').send('too many live logs open; try again shortly');
      return;
    }
    open++;
    let after = startAfter(req);
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no', // nginx: pass events through as they come
      Connection: 'keep-alive',
    });
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    let lastWrite = Date.now();
    let done = false;

    let unsubscribe = (): void => undefined;
    const stop = () => {
      if (done) return;
      done = true;
      open--;
      clearInterval(timer);
      unsubscribe();
    };
    const push = (e: DeploymentEvent) => {
      if (done || e.deploymentId !== id) return;
      if (e.type === 'finished') return tick();
      if ((e.type !== 'step' && e.type !== 'output') || e.seq <= after) return;
      const chunk = e.type === 'step' ? { seq: e.seq, stream: 'system', text: e.text + '\n', at: e.at } : { seq: e.seq, stream: e.stream, text: e.text, at: e.at };
      res.write(`id: ${chunk.seq}\nevent: log\ndata: ${JSON.stringify(chunk)}\n\n`);
      after = chunk.seq;
      lastWrite = Date.now();
    };
    const sendLog = () => {
      for (const chunk of store.getLog(id, after)) {
        res.write(`id: ${chunk.seq}\nevent: log\ndata: ${JSON.stringify(chunk)}\n\n`);
        after = chunk.seq;
        lastWrite = Date.now();
      }
    };
    const tick = () => {
      if (done) return;
      try {
        sendLog();
        const d = store.getDeployment(id);
        if (!d || (d.status !== 'queued' && d.status !== 'running')) {
          sendLog(); // what was written between the read above and the final status
          res.write(`event: end\ndata: ${JSON.stringify(d ? toApiDeployment(d) : null)}\n\n`);
          stop();
          res.end();
          return;
        }
        if (Date.now() - lastWrite > HEARTBEAT_MS) {
          res.write(': still running\n\n');
          lastWrite = Date.now();
        }
      } catch (err) {
        logger.warn(`live log of deployment ${id}: ${describeError(err)}`);
        stop();
        res.end();
      }
    };
    const pushed = events.isActive(id);
    if (pushed) unsubscribe = events.subscribe(push);
    const timer = setInterval(tick, pushed ? PUSHED_CHECK_MS : POLL_MS);
    req.on('close', stop);
    tick();
  };
}
