/**
 * JSON Schema of the repo config (`config` on the `integralgit` branch, SPEC §3).
 *
 * The schema checks shape and types only; rules a schema states badly (git ref names,
 * absolute paths, env var names) are checked in code by check-config-values.ts so their
 * messages say what to write instead. Comment keys (`"//"`, `"// …"`) are stripped
 * before this schema sees the document (see strip-comments.ts).
 */
export const MAX_TIMEOUT_SECONDS = 86400;

export const LAYER_KEYS = ['location', 'script', 'branch', 'remote', 'env', 'timeout'] as const;

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
      },
    },
  },
} as const;
