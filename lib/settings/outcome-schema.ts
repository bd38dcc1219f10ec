/**
 * Schema fragments of SPEC §9 (deployment outcomes leaving the host): `publicUrl`,
 * `notify` (server-wide) and `commitStatus` (per repo). Kept apart from schema.ts so
 * the outcome settings read as one block; schema.ts only plugs them in.
 * Checks that need several keys at once (which keys belong to which target type, tokens
 * from the environment, URL syntax) are in resolve-outcomes.ts.
 */

const envVarName = {
  type: 'string',
  pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
  description: 'the name of an environment variable (no leading $)',
} as const;

const nonEmptyString = { type: 'string', minLength: 1 } as const;

export const COMMIT_STATUS_PROVIDERS = ['github', 'gitlab', 'gitea', 'bitbucket-cloud', 'bitbucket-server'] as const;
export const NOTIFY_TYPES = ['webhook', 'slack', 'email'] as const;
export const NOTIFY_EVENTS = ['started', 'succeeded', 'failed', 'recovered', 'missed'] as const;

export const commitStatusSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    provider: { type: 'string', enum: [...COMMIT_STATUS_PROVIDERS] },
    apiUrl: nonEmptyString,
    token: { type: 'string' },
    tokenEnv: envVarName,
    tokenFile: nonEmptyString,
    // Bitbucket app passwords and Atlassian API tokens are sent with basic auth and need a user
    username: nonEmptyString,
    usernameEnv: envVarName,
  },
} as const;

/**
 * One closed object for every target type: an ajv union would report each branch's errors
 * for one typo. Which keys a type takes is checked in resolve-outcomes.ts, by name.
 */
export const notifyTargetSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { type: 'string', enum: [...NOTIFY_TYPES] },
    name: nonEmptyString,
    repos: { type: 'array', items: nonEmptyString },
    on: { type: 'array', items: { type: 'string', enum: [...NOTIFY_EVENTS] } },
    url: nonEmptyString,
    urlEnv: envVarName,
    secret: { type: 'string' },
    secretEnv: envVarName,
    secretFile: nonEmptyString,
    smtp: nonEmptyString,
    from: nonEmptyString,
    to: { type: 'array', minItems: 1, items: nonEmptyString },
    username: nonEmptyString,
    usernameEnv: envVarName,
    password: { type: 'string' },
    passwordEnv: envVarName,
  },
} as const;

export const outcomeTopLevelSchema = {
  publicUrl: nonEmptyString,
  notify: { type: 'array', items: notifyTargetSchema },
} as const;
