import { connect } from 'nats';
import { IntegralGitError, describeError } from '../errors';
import type { FleetSettings } from '../settings/types';
import { connectOptions } from './connect-options';
import { FLEET_BUCKET } from './fleet-names';
import { readFleet, type FleetView } from './read-fleet';

/**
 * One look at the fleet for a command: connect, read the bucket (bound, never created: a
 * reader must not change the bus), close. Fails with IG_FLEET_UNAVAILABLE naming the servers.
 */
export async function readFleetOnce(fleet: FleetSettings, hostname: string, timeoutMs = 5000): Promise<FleetView> {
  let nc;
  try {
    nc = await connect({ ...connectOptions(fleet, `integralgit fleet (${hostname})`), timeout: timeoutMs, maxReconnectAttempts: 0 });
  } catch (err) {
    throw new IntegralGitError('IG_FLEET_UNAVAILABLE', `cannot reach the fleet's NATS server (${fleet.servers.join(', ')}): ${describeError(err)}`);
  }
  try {
    const kv = await nc.jetstream({ timeout: timeoutMs }).views.kv(FLEET_BUCKET, { bindOnly: true });
    return await readFleet(kv);
  } catch (err) {
    throw new IntegralGitError('IG_FLEET_UNAVAILABLE', `the fleet bucket ${FLEET_BUCKET} could not be read on ${fleet.servers.join(', ')}: ${describeError(err)} (no host has joined yet, or JetStream is off: start nats-server with -js)`);
  } finally {
    await nc.close();
  }
}
