import http from 'node:http';
import path from 'node:path';
import { localServerUrl } from '../lib/settings/local-server-url';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../lib/log/logger';
import type { Settings } from '../lib/settings/types';
import { openStore, type Store } from '../lib/store';
import { DeployQueue } from '../lib/queue/deploy-queue';
import { Metrics } from '../lib/metrics/metrics';
import { DeploymentEvents } from '../lib/deploy/events';
import { setUpOutgoing, type OutgoingChannel } from '../lib/outbox';
import { missedRows } from '../lib/outcomes/outcome-channels';
import type { DispatcherOptions } from '../lib/outbox/dispatcher';
import { createBackend } from '../lib/workcopy/create-backend';
import { enableSpawnHelper } from '../lib/workcopy/native/spawn-helper';
import { endSpareScriptParent } from '../lib/script/script-parent';
import { Poller } from '../lib/queue/poller';
import { packageVersion } from '../lib/version';
import type { createApp as CreateApp } from './create-app';
import { holdFileLock } from '../lib/locks/file-lock';
import { endOrphanedScripts, scriptRecordDir } from '../lib/script/script-records';
import { createUpdateHandler } from './routes/update';
import type { AppContext } from './app-context';
import type { FleetNode } from '../lib/fleet/fleet-node';
import { GroupCommitter } from '../lib/ingest/group-commit';
import { retryWhileBusy, SERVER_BUSY_TIMEOUT_MS } from '../lib/store/busy-retry';
import { describeError } from '../lib/errors';
import { WriteHealth } from '../lib/health/write-health';
import { CommitIndexer } from '../lib/history/commit-indexer';

export interface RunningServer {
  url: string;
  port: number;
  ctx: AppContext;
  /** the whole store this process opened (routes see only `ctx.store`, their role of it) */
  store: Store;
  server: http.Server;
  /** graceful: stop accepting, let running deployments finish up to `graceMs`, keep the queue */
  close(graceMs?: number): Promise<void>;
}

/**
 * Open the store, recover interrupted work, start the workers, poller and HTTP server.
 * Timeouts are set so that slow or trickling clients (slowloris) cannot hold the server.
 */
export async function startServer(
  settings: Settings,
  logger: Logger,
  opts: { store?: Store; outgoing?: OutgoingChannel[]; outbox?: DispatcherOptions; /** tests: grace before a new head counts as a missed webhook */ missedGraceMs?: number; /** tests: how often the write probe runs */ writeProbeMs?: number } = {},
): Promise<RunningServer> {
  // git and gpg are spawned from a small helper process, not from the server's large heap
  enableSpawnHelper();
  // one server per data dir: a second one would "recover" the first one's running jobs
  const releaseDataDir = holdFileLock(path.join(settings.dataDir, 'serve.lock'), `another IntegralGit server uses the data dir ${settings.dataDir}`);
  let store: Store;
  try {
    store = opts.store ?? openStore(settings.dataDir, { deliveriesLimit: settings.deliveriesLimit, checkIntegrity: true });
  } catch (err) {
    releaseDataDir();
    throw err;
  }
  for (const name of Object.keys(settings.repos)) store.ensureRepo(name);
  // a script that outlived a server killed with -9 must be gone before its deployment is retried
  await endOrphanedScripts(scriptRecordDir(settings.dataDir), logger);
  const backend = createBackend(settings.git);
  const metrics = new Metrics(() => Object.keys(settings.repos).map((repo) => ({ repo, depth: store.queueDepth(repo) })));
  const events = new DeploymentEvents(logger);
  metrics.subscribeTo(events);
  metrics.trackOutbox(() => store.countOutboxByTarget());
  const outbox = setUpOutgoing({ settings, store, logger, events, extra: opts.outgoing, options: opts.outbox });
  let fleet: FleetNode | undefined;
  const fleetSettings = settings.fleet;
  if (fleetSettings) {
    // the queue is made next; the fleet only kicks it once the server runs. Required here:
    // a server without `fleet` never loads the NATS client (~50 modules)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { FleetNode: Node } = require('../lib/fleet/fleet-node') as { FleetNode: typeof FleetNode };
    fleet = new Node({ settings: { ...settings, fleet: fleetSettings }, store, committer: new GroupCommitter(store), logger, metrics, kick: (repo) => queue.kick(repo) });
    fleet.subscribeTo(events);
  }
  const queue = new DeployQueue({ settings, store, logger, backend, events, fleet });
  const writeHealth = new WriteHealth(store, opts.writeProbeMs);
  const ctx: AppContext = { settings, store, queue, events, outbox, metrics, logger, backend, writeHealth, startedAt: new Date(), version: packageVersion(), fleet };
  // POST /update is served ahead of Express (server/routes/update.ts says why)
  const update = createUpdateHandler(ctx);
  const updatePath = `${settings.basePath}/update`;
  // Express, helmet, the pages and the API are loaded on the first request that needs them:
  // a server that only takes webhooks never holds them (~130 modules, ~10 MB of idle RSS)
  let app: ReturnType<typeof CreateApp> | undefined;
  const appFor = (): ReturnType<typeof CreateApp> =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (app ??= (require('./create-app') as { createApp: typeof CreateApp }).createApp(ctx));
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    if ((q < 0 ? url : url.slice(0, q)) === updatePath) update(req, res);
    else appFor()(req, res);
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 200;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.listen.port, settings.listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    if (!opts.store) store.close();
    releaseDataDir();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const url = localServerUrl(settings, port);
  queue.start();
  // recovery done: from here on a foreign write lock is waited out on timers (busy-retry.ts)
  store.setBusyTimeout(SERVER_BUSY_TIMEOUT_MS);
  writeHealth.start();
  const commitIndexer = new CommitIndexer(store, logger);
  commitIndexer.start();
  // messages left pending by an earlier run or by CLI deployments are picked up here
  outbox.start();
  const poller = new Poller({
    settings,
    store,
    logger,
    backend,
    kick: (repo) => queue.kick(repo),
    isRunning: (repo) => queue.isRunning(repo),
    // SPEC §9: a head no webhook announced is told like a deployment outcome, through the outbox
    onMissed: (missed) => {
      const rows = missedRows(settings, missed);
      if (rows.length === 0) return;
      // under a foreign write lock the rows wait on timers (the poller does not)
      retryWhileBusy(() => store.enqueueOutbox(rows), { what: 'storing a missed-webhook notice' }).then(
        () => outbox.kick(),
        (err: unknown) => logger.error(`could not store a missed-webhook notice: ${describeError(err)}`),
      );
    },
    ...(opts.missedGraceMs !== undefined ? { missedGraceMs: opts.missedGraceMs } : {}),
  });
  poller.start();
  fleet?.start();
  let closed = false;
  return {
    url,
    port,
    ctx,
    store,
    server,
    close: async (graceMs = 30_000) => {
      if (closed) return;
      closed = true;
      poller.stop();
      writeHealth.stop();
      commitIndexer.stop();
      await fleet?.stop();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const settled = await queue.stop(graceMs);
      // no deployment will take it now (one still running past the grace has its own)
      endSpareScriptParent();
      await outbox.stop();
      server.closeAllConnections();
      await stopped;
      // a worker stuck in git past the grace still holds the database: leave it to the exit
      if (settled && !opts.store) store.close();
      if (!settled) logger.warn('a deployment did not stop in time; it is recorded as interrupted at the next start');
      releaseDataDir();
    },
  };
}
