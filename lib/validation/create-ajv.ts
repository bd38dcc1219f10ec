import Ajv from 'ajv';

/**
 * The one ajv set-up shared by the build step that writes the standalone validators and the
 * run-time fallback that compiles a schema no build step knew of: both must report the same
 * errors, so they are made here once.
 */
export function createAjv(opts: { source?: boolean } = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, code: { source: opts.source ?? false } });
  /**
   * Annotation on an `anyOf`/`oneOf` node: the one sentence to report when no branch
   * matches, instead of one cryptic error per branch ("must be equal to constant", ...).
   */
  ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
  return ajv;
}
