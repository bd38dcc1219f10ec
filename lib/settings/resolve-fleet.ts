import fs from 'node:fs';
import path from 'node:path';
import type { Problem } from '../errors';
import { asObject, asString, asStringArray, type RawObject } from './raw-access';
import type { FleetSettings } from './types';

export const DEFAULT_FLEET_STREAM = 'INTEGRALGIT';

/** NATS stream names: no whitespace, dots or wildcards (they are subject tokens in the JetStream API). */
const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Characters a JetStream KV key may hold; the hostname is part of `<repo>.<host>` and `hosts.<host>`. */
const KV_KEY_PART = /^[A-Za-z0-9_=/-]+(?:\.[A-Za-z0-9_=/-]+)*$/;
const SERVER_URL = /^(?:(?:nats|tls|ws|wss):\/\/)?[^\s/]+(?::\d+)?\/?$/;

interface FleetContext {
  baseDir: string;
  problems: Problem[];
}

/**
 * `fleet` as written → FleetSettings (paths absolute, files checked readable). The names
 * the fleet puts on the bus come from the settings, so they are checked here too: a repo
 * name becomes a subject token and a key segment (no dots; `hosts` is the heartbeat
 * prefix), the hostname a KV key segment.
 */
export function resolveFleet(
  raw: RawObject | undefined,
  ctx: FleetContext,
  names: { repos: string[]; hostname: string },
): FleetSettings | undefined {
  if (!raw) return undefined;
  const nats = asObject(raw.nats);
  const servers = asStringArray(nats?.servers) ?? [];
  servers.forEach((s, i) => {
    if (!SERVER_URL.test(s)) ctx.problems.push({ path: `/fleet/nats/servers/${i}`, message: `"${s}" is not a NATS server address: write e.g. "nats://10.0.0.5:4222" or "tls://nats.example.com:4222"` });
  });
  const stream = asString(raw.stream) ?? DEFAULT_FLEET_STREAM;
  if (!STREAM_NAME.test(stream)) ctx.problems.push({ path: '/fleet/stream', message: `"${stream}" is not a usable stream name: letters, digits, "_" and "-" only (at most 64)` });

  const fleet: FleetSettings = { servers, stream };
  const credsFile = readableFile(asString(nats?.credsFile), '/fleet/nats/credsFile', ctx);
  if (credsFile) fleet.credsFile = credsFile;
  const tlsRaw = asObject(nats?.tls);
  if (tlsRaw) {
    const tls: NonNullable<FleetSettings['tls']> = {};
    for (const key of ['caFile', 'certFile', 'keyFile'] as const) {
      const file = readableFile(asString(tlsRaw[key]), `/fleet/nats/tls/${key}`, ctx);
      if (file) tls[key] = file;
    }
    if ((tlsRaw.certFile === undefined) !== (tlsRaw.keyFile === undefined)) {
      ctx.problems.push({ path: '/fleet/nats/tls', message: 'certFile and keyFile go together (a client certificate needs its key): set both or neither' });
    }
    fleet.tls = tls;
  }

  for (const repo of names.repos) {
    if (repo.includes('.')) {
      ctx.problems.push({ path: `/repos/${repo}`, message: `with \`fleet\`, repo names must not contain "." (the name is a NATS subject token, integralgit.delivery.<repo>): rename it, e.g. "${repo.replace(/\./g, '-')}"` });
    } else if (repo.toLowerCase() === 'hosts') {
      ctx.problems.push({ path: `/repos/${repo}`, message: 'with `fleet`, "hosts" is reserved (the heartbeat keys are hosts.<host>): rename the repo' });
    }
  }
  if (!KV_KEY_PART.test(names.hostname)) {
    ctx.problems.push({ path: '/hostname', message: `with \`fleet\`, the hostname "${names.hostname}" must use only letters, digits, ".", "_", "-", "=" and "/" (it is part of the key <repo>.<host> in the bucket integralgit-fleet)` });
  }
  return fleet;
}

function readableFile(file: string | undefined, at: string, ctx: FleetContext): string | undefined {
  if (file === undefined) return undefined;
  const abs = path.resolve(ctx.baseDir, file);
  try {
    fs.accessSync(abs, fs.constants.R_OK);
    if (!fs.statSync(abs).isFile()) throw new Error('not a regular file');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(err as Error).message})`;
    ctx.problems.push({ path: at, message: `${abs} ${why}` });
  }
  return abs;
}
