import type { KV, NatsConnection } from 'nats';
import { IntegralGitError, describeError } from '../errors';
import type { GroupCommitter } from '../ingest/group-commit';
import type { Logger } from '../log/logger';
import type { Metrics } from '../metrics/metrics';
import type { IncomingRequest } from '../webhook-primitives/incoming-request';
import type { Settings, FleetSettings } from '../settings/types';
import type { HistoryStore, IngestStore, OutboxStore } from '../store';
import type { DeploymentEvents } from '../deploy/events';
import { DeliveryConsumer } from './consume-deliveries';
import { OutboxDispatcher } from '../outbox';
import { FLEET_DELIVERY_KIND, deliveryOutboxMessage, deliverySender } from './delivery-outbox';
import { ensureStream, openBucket } from './ensure-stream';
import { FleetBus, type BusStatus } from './fleet-bus';
import { HEARTBEAT_INTERVAL_MS, heartbeatKey, stateKey } from './fleet-names';
import { hostState } from './host-state';
import { readFleet, type FleetView } from './read-fleet';

export interface FleetNodeDeps {
  settings: Settings & { fleet: FleetSettings };
  /** publishes through the outbox, reads this host's state, and ingests the fleet's deliveries */
  store: OutboxStore & IngestStore & Pick<HistoryStore, 'lastDeployment' | 'deployedCommit'>;
  committer: GroupCommitter;
  logger: Logger;
  metrics?: Metrics;
  kick: (repo: string) => void;
  /** base of the links to this host's deployment pages (SPEC §9 `publicUrl`) */
  publicUrl?: string;
}

/**
 * Publishing retries quickly and never backs off past 15 s: the only failure worth waiting
 * out is the bus being away, and the deliveries must go soon after it is back.
 */
const PUBLISH_RETRY = { baseDelayMs: 1_000, maxDelayMs: 15_000 };

/**
 * This server's place in the fleet (SPEC §11): one bus connection; on every connection the
 * stream, the bucket and this host's consumer are ensured, the heartbeat and every repo's
 * state republished. Accepted deliveries are outbox rows (written with the delivery, so a
 * crash after the 202 loses none) that a dispatcher of its own publishes, retrying while
 * the bus is away. Nothing here is on the path of a webhook's answer or a deployment.
 */
export class FleetNode {
  private readonly bus: FleetBus;
  private readonly consumer: DeliveryConsumer;
  private kv: KV | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly publisher: OutboxDispatcher;

  constructor(private readonly deps: FleetNodeDeps) {
    const { settings, logger } = deps;
    this.bus = new FleetBus(settings.fleet, settings.hostname, logger);
    this.consumer = new DeliveryConsumer({ ...deps, stream: settings.fleet.stream });
    this.publisher = new OutboxDispatcher(deps.store, logger, { pollMs: 1_000, retry: PUBLISH_RETRY }).register(
      FLEET_DELIVERY_KIND,
      deliverySender(() => this.bus.connection, settings.hostname),
    );
    this.bus.onReady((nc) => this.onConnected(nc));
  }

  get status(): BusStatus {
    return this.bus.status;
  }

  start(): void {
    this.bus.start();
    this.publisher.start();
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref();
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.consumer.stop();
    await this.publisher.stop();
    await this.bus.stop();
  }

  /** Every finished deployment of this process republishes its repo's state (read from the store). */
  subscribeTo(events: DeploymentEvents): () => void {
    return events.on('finished', (e) => this.publishState(e.repo));
  }

  /**
   * An accepted delivery, for the other hosts: an outbox row written inside the transaction
   * that stores the delivery (ingest's `recordAccepted`); published right after it commits.
   */
  recordDelivery(repo: string, req: IncomingRequest, deliveryId: string | undefined): void {
    this.deps.store.enqueueOutbox([deliveryOutboxMessage(repo, req, deliveryId, this.deps.settings.hostname)]);
    this.publisher.kick(); // runs after this turn, once the transaction has committed
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
    this.publisher.kick();
    await this.consumer.start(nc);
  }

  private async beat(): Promise<void> {
    const kv = this.kv;
    if (!kv || this.bus.connection === undefined) return;
    await kv.put(heartbeatKey(this.deps.settings.hostname), JSON.stringify({ lastSeen: new Date().toISOString() })).catch((err: unknown) => this.deps.logger.warn(`fleet: heartbeat failed: ${describeError(err)}`));
  }
}
