/**
 * JSON Schema (draft-07, checked with ajv) of the server settings file (SPEC §2). It checks
 * shapes and types only; what needs the filesystem, the environment or several keys at once
 * (secrets, URLs, CIDRs, reserved repo names) is checked in check-settings.ts. Every object
 * is closed (`additionalProperties: false`) so that a typo is an error with a "did you mean",
 * never a silently ignored key.
 */

import { fleetSchema, type RawFleet } from './fleet-schema';
import { commitStatusSchema, outcomeTopLevelSchema } from './outcome-schema';

const envVarName = {
  type: 'string',
  pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
  description: 'the name of an environment variable (no leading $)',
} as const;

const nonEmptyString = { type: 'string', minLength: 1 } as const;

/** CIDR syntax is checked semantically (v4 and v6 with ipaddr.js); the schema only wants strings. */
const cidrList = { type: 'array', items: { type: 'string' } } as const;

/** Inlined where used, not a $ref: "did you mean" hints find their keys by schema path. */
const retention = {
  type: 'object',
  additionalProperties: false,
  properties: {
    deployments: { type: 'integer', minimum: 1 },
    deliveries: { type: 'integer', minimum: 1 },
  },
} as const;

export const settingsSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'IntegralGit server settings',
  type: 'object',
  additionalProperties: false,
  properties: {
    listen: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: nonEmptyString,
        port: { type: 'integer', minimum: 0, maximum: 65535 },
      },
    },
    dataDir: nonEmptyString,
    hostname: nonEmptyString,
    allowedRoots: { type: 'array', minItems: 1, items: nonEmptyString },
    git: { type: 'string', enum: ['native', 'isomorphic'] },
    repos: { type: 'object', additionalProperties: { $ref: '#/definitions/repo' } },
    trustedNetworks: cidrList,
    trustProxy: {
      'x-expected':
        'must be false (the default), a number of proxy hops (integer >= 1) or a list of the proxies\' CIDRs; ' +
        '`true` is refused because believing every X-Forwarded-For hop lets any client forge its address and slip past trustedNetworks',
      anyOf: [
        { type: 'boolean', const: false },
        { type: 'integer', minimum: 1 },
        { type: 'array', minItems: 1, items: { type: 'string' } },
      ],
    },
    basePath: { type: 'string' },
    bodyLimit: {
      'x-expected': 'must be a number of bytes (integer >= 1) or a size such as "25mb" (units: b, kb, mb, gb)',
      anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string' }],
    },
    deliveriesLimit: { type: 'integer', minimum: 1 },
    admin: {
      type: 'object',
      additionalProperties: false,
      properties: {
        username: nonEmptyString,
        password: { type: 'string' },
        passwordEnv: envVarName,
        token: { type: 'string' },
        tokenEnv: envVarName,
      },
    },
    readAuth: {
      type: 'object',
      additionalProperties: false,
      required: ['username'],
      properties: {
        username: nonEmptyString,
        password: { type: 'string' },
        passwordEnv: envVarName,
      },
    },
    triggerToken: { type: 'string' },
    triggerTokenEnv: envVarName,
    logFormat: { type: 'string', enum: ['text', 'json'] },
    fleet: fleetSchema,
    // SPEC §9: outcomes leaving the host (publicUrl, notify); see outcome-schema.ts
    ...outcomeTopLevelSchema,
    retention,
    // safe deployments (SPEC §10): hosts besides loopback a repo config's healthcheck.url may reach
    healthcheckHosts: { type: 'array', items: nonEmptyString, uniqueItems: true },
  },
  definitions: {
    repo: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: nonEmptyString,
        secret: { type: 'string' },
        secretEnv: envVarName,
        secretFile: nonEmptyString,
        insecure: { type: 'boolean' },
        auth: {
          type: 'object',
          additionalProperties: false,
          properties: {
            username: { type: 'string' },
            usernameEnv: envVarName,
            token: { type: 'string' },
            tokenEnv: envVarName,
          },
        },
        sshKeyFile: nonEmptyString,
        knownHostsFile: nonEmptyString,
        pollInterval: { type: 'integer', minimum: 0 },
        trustedNetworks: { ...cidrList, minItems: 1 },
        // SPEC §9: commit status on the git host; see outcome-schema.ts
        commitStatus: commitStatusSchema,
        secrets: {
          type: 'object',
          // keys are the variable names the script receives; checked in resolve-script-secrets.ts
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            // exactly one of the two: checked in resolve-script-secrets.ts, with a clearer message
            properties: { file: nonEmptyString, env: envVarName },
          },
        },
        retention,
        // safe deployments (SPEC §10)
        requireSignedCommits: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            allowedSignersFile: nonEmptyString,
            gpgKeyring: nonEmptyString,
          },
        },
        refuseNonFastForward: { type: 'boolean' },
      },
    },
  },
} as const;

/** The settings file as written, once it has passed the schema. */
export interface RawSettings {
  listen?: { host?: string; port?: number };
  dataDir?: string;
  hostname?: string;
  allowedRoots?: string[];
  git?: 'native' | 'isomorphic';
  repos?: Record<string, RawRepo>;
  trustedNetworks?: string[];
  trustProxy?: false | number | string[];
  basePath?: string;
  bodyLimit?: number | string;
  deliveriesLimit?: number;
  admin?: { username?: string; password?: string; passwordEnv?: string; token?: string; tokenEnv?: string };
  readAuth?: { username?: string; password?: string; passwordEnv?: string };
  triggerToken?: string;
  triggerTokenEnv?: string;
  logFormat?: 'text' | 'json';
  fleet?: RawFleet;
  // SPEC §9 (outcome-schema.ts)
  publicUrl?: string;
  notify?: Record<string, unknown>[];
  retention?: { deployments?: number; deliveries?: number };
  healthcheckHosts?: string[];
}

export interface RawRepo {
  url?: string;
  secret?: string;
  secretEnv?: string;
  secretFile?: string;
  insecure?: boolean;
  auth?: { username?: string; usernameEnv?: string; token?: string; tokenEnv?: string };
  sshKeyFile?: string;
  knownHostsFile?: string;
  pollInterval?: number;
  trustedNetworks?: string[];
  // SPEC §9 (outcome-schema.ts)
  commitStatus?: Record<string, unknown>;
  secrets?: Record<string, { file?: string; env?: string }>;
  retention?: { deployments?: number; deliveries?: number };
  requireSignedCommits?: { allowedSignersFile?: string; gpgKeyring?: string };
  refuseNonFastForward?: boolean;
}
