import { connect, type NatsConnection } from 'nats';
import { describeError } from '../errors';
import type { Logger } from '../log/logger';
import type { FleetSettings } from '../settings/types';
import { connectOptions } from './connect-options';

export type BusStatus = 'connected' | 'disconnected';

/**
 * The one connection of a server to the fleet's NATS servers. It never gives up: the first
 * connection is retried until it succeeds and a lost one is re-established forever, so a
 * bus that is down at start or goes away later only delays the fleet, never the server.
 * `onReady` runs after every (re)connection: that is when state is (re)published.
 */
export class FleetBus {
  private nc: NatsConnection | undefined;
  private current: BusStatus = 'disconnected';
  private stopped = false;
  private readonly readyHandlers: Array<(nc: NatsConnection) => Promise<void> | void> = [];

  constructor(
    private readonly fleet: FleetSettings,
    private readonly hostname: string,
    private readonly logger: Logger,
  ) {}

  get status(): BusStatus {
    return this.current;
  }

  /** The live connection, or undefined while the bus is unreachable. */
  get connection(): NatsConnection | undefined {
    return this.current === 'connected' ? this.nc : undefined;
  }

  onReady(handler: (nc: NatsConnection) => Promise<void> | void): void {
    this.readyHandlers.push(handler);
  }

  /** Starts connecting in the background; resolves at once. */
  start(): void {
    const opts = { ...connectOptions(this.fleet, `integralgit ${this.hostname}`), waitOnFirstConnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 1000, timeout: 5000 };
    connect(opts).then(
      (nc) => {
        if (this.stopped) {
          void nc.close();
          return;
        }
        this.nc = nc;
        this.setStatus('connected');
        void this.watch(nc);
        void nc.closed().then(() => this.setStatus('disconnected'));
      },
      (err: unknown) => this.logger.error(`fleet: cannot connect to ${this.fleet.servers.join(', ')}: ${describeError(err)}; the fleet is off until the server restarts`),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const nc = this.nc;
    this.nc = undefined;
    this.current = 'disconnected';
    if (nc && !nc.isClosed()) await nc.drain().catch(() => nc.close());
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') this.setStatus('disconnected');
      else if (s.type === 'reconnect') this.setStatus('connected');
    }
  }

  private setStatus(next: BusStatus): void {
    if (this.stopped || next === this.current) return;
    this.current = next;
    if (next === 'disconnected') {
      this.logger.warn(`fleet: lost the bus (${this.fleet.servers.join(', ')}); local deployments go on, reconnecting`);
      return;
    }
    this.logger.info(`fleet: connected to ${this.nc?.getServer() ?? this.fleet.servers.join(', ')} as ${this.hostname}`);
    const nc = this.nc;
    if (!nc) return;
    for (const handler of this.readyHandlers) {
      Promise.resolve()
        .then(() => handler(nc))
        .catch((err: unknown) => this.logger.warn(`fleet: after connecting: ${describeError(err)}`));
    }
  }
}
