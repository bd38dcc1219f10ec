import { validateWithSchema, didYouMean } from '../../lib/validation/validate-with-schema';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['configs'],
  properties: {
    hostgroups: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    configs: { type: 'object' },
    timeout: { type: 'integer' },
  },
};

describe('validateWithSchema', () => {
  it('returns no problems for valid data', () => {
    expect(validateWithSchema(schema, { configs: {} })).toEqual([]);
  });

  it('lists every problem at once, with a did-you-mean for unknown keys', () => {
    const problems = validateWithSchema(schema, { groups: {}, timeout: 'x' });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '/groups', message: 'unknown key "groups"; did you mean "hostgroups"?' },
        { path: '/configs', message: 'is required but missing' },
        { path: '/timeout', message: 'must be an integer' },
      ]),
    );
  });

  it('suggests only plausible names', () => {
    expect(didYouMean('loction', ['location', 'script'])).toBe('location');
    expect(didYouMean('zzzzzz', ['location', 'script'])).toBeUndefined();
  });
});
