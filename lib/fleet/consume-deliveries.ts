import type { ConsumerMessages, JsMsg, NatsConnection } from 'nats';
import { describeError } from '../errors';
import { ingestWebhook, type IngestDeps } from '../ingest/ingest-webhook';
import { decodeDelivery } from './delivery-message';
import { ensureConsumer } from './ensure-stream';

export interface ConsumeDeps extends Omit<IngestDeps, 'viaFleetFrom' | 'recordAccepted'> {
  stream: string;
}

/** Retry a message whose ingest failed (the database is away) after this long. */
const RETRY_DELAY_MS = 5_000;
/** While catching up, wake the workers at least every this many messages. */
const KICK_EVERY = 100;

/**
 * Reads this host's durable consumer and hands every delivery another host accepted to the
 * same intake as `POST /update`, verified with this host's settings. A message is acked
 * only once its event is on disk (or refused for good), so a crash never loses one; the
 * store de-duplicates by delivery id, so a redelivered one queues nothing twice.
 * While the consumer has a backlog (a host coming back), workers are woken only when it is
 * drained: the missed pushes of a branch then coalesce into one deployment of the newest head.
 */
export class DeliveryConsumer {
  private messages: ConsumerMessages | undefined;
  private stopped = false;
  private readonly pendingKicks = new Set<string>();
  private sinceKick = 0;

  constructor(private readonly deps: ConsumeDeps) {}

  async start(nc: NatsConnection): Promise<void> {
    if (this.messages || this.stopped) return;
    const name = await ensureConsumer(nc, this.deps.stream, this.deps.settings.hostname);
    const consumer = await nc.jetstream().consumers.get(this.deps.stream, name);
    const messages = await consumer.consume({ max_messages: 64 });
    this.messages = messages;
    void this.loop(messages);
  }

  stop(): void {
    this.stopped = true;
    this.messages?.stop();
    this.messages = undefined;
    this.flushKicks();
  }

  private async loop(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const msg of messages) await this.handle(msg);
    } catch (err) {
      this.deps.logger.warn(`fleet: reading the stream ${this.deps.stream} stopped: ${describeError(err)}`);
    }
    if (this.messages === messages) this.messages = undefined;
  }

  private async handle(msg: JsMsg): Promise<void> {
    const { fromHost, request } = decodeDelivery(msg);
    const self = this.deps.settings.hostname;
    if (fromHost === self) {
      msg.ack(); // accepted here first: already ingested
      return;
    }
    try {
      await ingestWebhook({ ...this.deps, viaFleetFrom: fromHost || 'an unknown host', kick: (repo) => this.pendingKicks.add(repo) }, request);
      msg.ack();
    } catch (err) {
      this.deps.logger.error(`fleet: a delivery from ${fromHost} could not be stored: ${describeError(err)}; retrying in ${RETRY_DELAY_MS / 1000}s`);
      msg.nak(RETRY_DELAY_MS);
    }
    this.sinceKick++;
    if (msg.info.pending === 0 || this.sinceKick >= KICK_EVERY) this.flushKicks();
  }

  private flushKicks(): void {
    this.sinceKick = 0;
    for (const repo of this.pendingKicks) this.deps.kick(repo);
    this.pendingKicks.clear();
  }
}
