import type { Request, Response, RequestHandler } from 'express';
import { describeError } from '../../lib/errors';
import { liveRepoState, stateKey } from '../../lib/history/live-repo-state';
import { findRepo } from '../../lib/settings/require-repo';
import type { PageEnv } from './page-env';
import { HEARTBEAT_MS, POLL_MS } from './deployment-events';
import { queryString } from './known-repo';

/** Streams open at once (index and repo pages), apart from the live logs' own limit. */
export const MAX_REPO_STREAMS = 64;

/**
 * `/-/events?repo=<name>`: Server-Sent Events for the index (every repo) and a repo page
 * (`repo` given): an event `repo` with the last deployment on this host and the queue
 * depth, each time either changes. Same mechanism as the live log: a deployment of this
 * process pushes a check at once through the event stream; one run by another process
 * (the CLI) is seen by reading the store every POLL_MS. The first event of each repo is
 * sent at once, so a page that was rendered a moment earlier catches up.
 */
export function repoEvents(env: PageEnv): RequestHandler {
  let open = 0;
  return (req: Request, res: Response) => {
    const { settings, store, logger, events } = env.ctx;
    const only = queryString(req, 'repo');
    if (only !== undefined && findRepo(settings, only) === undefined) {
      res.status(404).type('text').send(`no repository named ${only.slice(0, 100)}`);
      return;
    }
    if (open >= MAX_REPO_STREAMS) {
      res.status(503).set('Retry-After', '5').type('text').send('too many live pages open; try again shortly');
      return;
    }
    open++;
    const repos = only !== undefined ? [only] : Object.keys(settings.repos).sort();
    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no', Connection: 'keep-alive' });
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    const sent = new Map<string, string>();
    let lastWrite = Date.now();
    let done = false;
    const tick = () => {
      if (done) return;
      try {
        for (const repo of repos) {
          const state = liveRepoState(store, repo, settings.hostname);
          const key = stateKey(state);
          if (sent.get(repo) === key) continue;
          sent.set(repo, key);
          res.write(`event: repo\ndata: ${JSON.stringify(state)}\n\n`);
          lastWrite = Date.now();
        }
        if (Date.now() - lastWrite > HEARTBEAT_MS) {
          res.write(': nothing new\n\n');
          lastWrite = Date.now();
        }
      } catch (err) {
        logger.warn(`live repo stream: ${describeError(err)}`);
        stop();
        res.end();
      }
    };
    // queued, started and finished change what the pages show; output does not
    const unsubscribe = events.subscribe((e) => {
      if (e.type !== 'output' && e.type !== 'step' && repos.includes(e.repo)) tick();
    });
    const timer = setInterval(tick, POLL_MS);
    const stop = () => {
      if (done) return;
      done = true;
      open--;
      clearInterval(timer);
      unsubscribe();
    };
    req.on('close', stop);
    tick();
  };
}
