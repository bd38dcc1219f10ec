import { randomUUID } from 'node:crypto';
import type { KV, NatsConnection } from 'nats';
import { IntegralGitError, describeError } from '../errors';
import type { GroupCommitter } from '../ingest/group-commit';
import type { Logger } from '../log/logger';
import type { Metrics } from '../metrics/metrics';
import type { IncomingRequest } from '../providers/types';
import type { Settings, FleetSettings } from '../settings/types';
import type { Store } from '../store';
import type { DeploymentEvents } from '../deploy/events';
import { DeliveryConsumer } from './consume-deliveries';
import { encodeDelivery } from './delivery-message';
import { ensureStream, openBucket } from './ensure-stream';
import { FleetBus, type BusStatus } from './fleet-bus';
import { HEARTBEAT_INTERVAL_MS, deliverySubject, heartbeatKey, stateKey } from './fleet-names';
import { hostState } from './host-state';
import { readFleet, type FleetView } from './read-fleet';

export interface FleetNodeDeps {
  settings: Settings & { fleet: FleetSettings };
  store: Store;
  committer: GroupCommitter;
  logger: Logger;
  metrics?: Metrics;
  kick: (repo: string) => void;
  /** base of the links to this host's deployment pages (SPEC §9 `publicUrl`) */
  publicUrl?: string;
}

/** Deliveries waiting for the bus in memory before the oldest are dropped (their hosts still poll). */
const MAX_UNSENT = 1000;

/**
 * This server's place in the fleet (SPEC §11): one bus connection; on every connection the
 * stream, the bucket and this host's consumer are ensured, the heartbeat and every repo's
 * state republished, and deliveries accepted while the bus was away are published. Nothing
 * here is on the path of a webhook's answer or a deployment: every call returns at once.
 */
export class FleetNode {
  private readonly bus: FleetBus;
  private readonly consumer: DeliveryConsumer;
  private kv: KV | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly unsent = new Map<string, { repo: string; req: IncomingRequest }>();

  constructor(private readonly deps: FleetNodeDeps) {
    const { settings, logger } = deps;
    this.bus = new FleetBus(settings.fleet, settings.hostname, logger);
    this.consumer = new DeliveryConsumer({ ...deps, stream: settings.fleet.stream });
    this.bus.onReady((nc) => this.onConnected(nc));
  }

  get status(): BusStatus {
    return this.bus.status;
  }

  start(): void {
    this.bus.start();
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref();
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.consumer.stop();
    await this.bus.stop();
  }

  /** Every finished deployment of this process republishes its repo's state (read from the store). */
  subscribeTo(events: DeploymentEvents): () => void {
    return events.on('finished', (e) => this.publishState(e.repo));
  }

  /** An accepted delivery goes to the other hosts; the webhook's answer never waits for this. */
  publishDelivery(repo: string, req: IncomingRequest, deliveryId: string | undefined): void {
    const msgId = deliveryId ?? `${this.deps.settings.hostname}-${randomUUID()}`;
    this.unsent.set(msgId, { repo, req });
    if (this.unsent.size > MAX_UNSENT) {
      const [oldest] = this.unsent.keys();
      this.unsent.delete(oldest);
      this.deps.logger.warn(`fleet: more than ${MAX_UNSENT} deliveries wait for the bus; delivery ${oldest} is dropped (the other hosts' pollers catch up)`);
    }
    void this.send(msgId);
  }

  /** This host's state of `repo`, after a deployment or at (re)connection. */
  publishState(repo: string): void {
    const kv = this.kv;
    if (!kv || this.bus.connection === undefined) return; // republished from the store on reconnection
    const { settings, store } = this.deps;
    const state = hostState(store, repo, settings.hostname, this.deps.publicUrl);
    kv.put(stateKey(repo, settings.hostname), JSON.stringify(state)).catch((err: unknown) => this.deps.logger.warn(`fleet: could not publish the state of ${repo}: ${describeError(err)}`));
  }

  /** The whole fleet, host × repo, read from the bucket. */
  async read(): Promise<FleetView> {
    const kv = this.kv;
    if (!kv || this.bus.connection === undefined) {
      throw new IntegralGitError('IG_FLEET_UNAVAILABLE', `the fleet's NATS server (${this.deps.settings.fleet.servers.join(', ')}) is not reachable from ${this.deps.settings.hostname}; local deployments go on`);
    }
    return readFleet(kv);
  }

  private async onConnected(nc: NatsConnection): Promise<void> {
    const { settings } = this.deps;
    await ensureStream(nc, settings.fleet.stream);
    this.kv = await openBucket(nc);
    await this.beat();
    for (const repo of Object.keys(settings.repos)) this.publishState(repo);
    for (const msgId of [...this.unsent.keys()]) await this.send(msgId);
    await this.consumer.start(nc);
  }

  private async send(msgId: string): Promise<void> {
    const nc = this.bus.connection;
    const item = this.unsent.get(msgId);
    if (!nc || !item) return;
    const { headers, data } = encodeDelivery(item.req, this.deps.settings.hostname);
    try {
      await nc.jetstream().publish(deliverySubject(item.repo), data, { msgID: msgId, headers });
      this.unsent.delete(msgId);
    } catch (err) {
      this.deps.logger.warn(`fleet: delivery ${msgId} not published yet (${describeError(err)}); it is sent when the bus is back`);
    }
  }

  private async beat(): Promise<void> {
    const kv = this.kv;
    if (!kv || this.bus.connection === undefined) return;
    await kv.put(heartbeatKey(this.deps.settings.hostname), JSON.stringify({ lastSeen: new Date().toISOString() })).catch((err: unknown) => this.deps.logger.warn(`fleet: heartbeat failed: ${describeError(err)}`));
  }
}
