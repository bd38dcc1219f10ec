/**
 * JSON Schema of the repo config (`config` on the `integralgit` branch, SPEC §3).
 *
 * The schema checks shape and types only; rules a schema states badly (git ref names,
 * absolute paths, env var names) are checked in code by check-config-values.ts so their
 * messages say what to write instead. Comment keys (`"//"`, `"// …"`) are stripped
 * before this schema sees the document (see strip-comments.ts).
 */
export const MAX_TIMEOUT_SECONDS = 86400;

export const LAYER_KEYS = ['location', 'script', 'branch', 'remote', 'env', 'timeout', 'activate', 'healthcheck', 'revert', 'releases'] as const;

/** Bounds of the safe-deployment keys (SPEC §10), in seconds and releases. */
export const MAX_HEALTHCHECK_INTERVAL_SECONDS = 3600;
export const MAX_RELEASES_KEEP = 100;

export const repoConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['configs'],
  properties: {
    hostgroups: {
      type: 'object',
      additionalProperties: {
        type: 'array',
        items: { type: 'string' },
        uniqueItems: true,
      },
    },
    configs: {
      type: 'object',
      additionalProperties: { $ref: '#/definitions/layer' },
    },
    // fleet waves (SPEC §11): one value for the whole fleet, never layered
    rollout: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, uniqueItems: true },
    rolloutTimeout: { type: 'integer', minimum: 1, maximum: MAX_TIMEOUT_SECONDS },
  },
  definitions: {
    layer: {
      type: 'object',
      additionalProperties: false,
      properties: {
        location: { type: 'string' },
        script: { type: 'string' },
        branch: { type: 'string' },
        remote: { type: 'string' },
        env: { type: 'object', additionalProperties: { type: 'string' } },
        timeout: { type: 'integer', minimum: 1, maximum: MAX_TIMEOUT_SECONDS },
        // safe deployments (SPEC §10)
        activate: { type: 'string' },
        healthcheck: {
          type: 'object',
          additionalProperties: false,
          properties: {
            url: { type: 'string' },
            command: { type: 'string' },
            timeout: { type: 'integer', minimum: 1, maximum: MAX_TIMEOUT_SECONDS },
            interval: { type: 'integer', minimum: 1, maximum: MAX_HEALTHCHECK_INTERVAL_SECONDS },
            expectStatus: { type: 'integer', minimum: 100, maximum: 599 },
          },
        },
        revert: { type: 'boolean' },
        releases: {
          type: 'object',
          additionalProperties: false,
          properties: {
            keep: { type: 'integer', minimum: 1, maximum: MAX_RELEASES_KEEP },
            shared: { type: 'array', items: { type: 'string' }, uniqueItems: true },
          },
        },
      },
    },
  },
} as const;
