import { AckPolicy, DeliverPolicy, type KV, type NatsConnection } from 'nats';
import { DELIVERY_SUBJECT_PREFIX, FLEET_BUCKET, durableName } from './fleet-names';

/** A host that was down this long misses deliveries; it catches up from its own poller or a trigger. */
const STREAM_MAX_AGE_NS = 7 * 24 * 3600 * 1e9;

/**
 * The stream of deliveries, created by whichever host gets there first. An existing stream
 * is left as it is, so a sysadmin may create it beforehand with more replicas (a 3-node
 * cluster) or another retention; only its name comes from the settings.
 */
export async function ensureStream(nc: NatsConnection, stream: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
  try {
    await jsm.streams.info(stream);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.streams.add({ name: stream, subjects: [`${DELIVERY_SUBJECT_PREFIX}.>`], max_age: STREAM_MAX_AGE_NS });
  }
}

/**
 * This host's durable consumer, named after its hostname. Created once; from then on the
 * server remembers how far the host has read, so a host that was down gets what it missed.
 * A host joining the fleet starts with the deliveries published after it joined.
 */
export async function ensureConsumer(nc: NatsConnection, stream: string, host: string): Promise<string> {
  const jsm = await nc.jetstreamManager();
  const name = durableName(host);
  try {
    await jsm.consumers.info(stream, name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.consumers.add(stream, {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      filter_subject: `${DELIVERY_SUBJECT_PREFIX}.>`,
      ack_wait: 30 * 1e9,
      description: `IntegralGit host ${host}`,
    });
  }
  return name;
}

/** The key-value bucket of per-host state and heartbeats (one value per key is all we read). */
export function openBucket(nc: NatsConnection): Promise<KV> {
  return nc.jetstream().views.kv(FLEET_BUCKET, { history: 1 });
}

function isNotFound(err: unknown): boolean {
  const e = err as { code?: string | number; api_error?: { err_code?: number }; message?: string };
  return e?.code === '404' || e?.code === 404 || e?.api_error?.err_code === 10059 || e?.api_error?.err_code === 10014 || /not found/i.test(e?.message ?? '');
}
