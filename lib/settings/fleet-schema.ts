/**
 * JSON Schema of the `fleet` block (SPEC §11), kept beside the main schema so that the
 * fleet's settings change in one place. Shapes only; resolve-fleet.ts checks the rest.
 */

const nonEmptyString = { type: 'string', minLength: 1 } as const;

export const fleetSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['nats'],
  properties: {
    nats: {
      type: 'object',
      additionalProperties: false,
      required: ['servers'],
      properties: {
        servers: { type: 'array', minItems: 1, items: nonEmptyString },
        credsFile: nonEmptyString,
        tls: {
          type: 'object',
          additionalProperties: false,
          properties: { caFile: nonEmptyString, certFile: nonEmptyString, keyFile: nonEmptyString },
        },
      },
    },
    stream: nonEmptyString,
  },
} as const;

/** The `fleet` block as written, once it has passed the schema. */
export interface RawFleet {
  nats?: { servers?: string[]; credsFile?: string; tls?: { caFile?: string; certFile?: string; keyFile?: string } };
  stream?: string;
}
