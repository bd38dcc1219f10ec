import fs from 'node:fs';
import { credsAuthenticator, type ConnectionOptions } from 'nats';
import type { FleetSettings } from '../settings/types';

/** nats.js connection options from the `fleet.nats` settings (servers, creds file, TLS files). */
export function connectOptions(fleet: FleetSettings, name: string): ConnectionOptions {
  const opts: ConnectionOptions = { servers: fleet.servers, name };
  if (fleet.credsFile) opts.authenticator = credsAuthenticator(fs.readFileSync(fleet.credsFile));
  if (fleet.tls) {
    const tls: NonNullable<ConnectionOptions['tls']> = {};
    if (fleet.tls.caFile) tls.caFile = fleet.tls.caFile;
    if (fleet.tls.certFile) tls.certFile = fleet.tls.certFile;
    if (fleet.tls.keyFile) tls.keyFile = fleet.tls.keyFile;
    opts.tls = tls;
  }
  return opts;
}
