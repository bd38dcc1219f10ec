import { ownEntries, asObject, asString, type RawObject } from './raw-access';
import { resolveSecret, type SecretContext } from './resolve-secret';

/**
 * A repo's `secrets` (SPEC §12): `{ "DB_PASSWORD": { "file": "/etc/app/db" } }` or
 * `{ "env": "APP_DB" }`, read now so that a missing file stops the server at start rather
 * than a deployment later. The script receives exactly these, under these names; the
 * variables they are read from are stripped from every script's environment.
 */
export function resolveScriptSecrets(raw: RawObject | undefined, at: string, ctx: SecretContext): { values: Record<string, string>; envNames: string[] } | undefined {
  if (!raw) return undefined;
  const values: Record<string, string> = Object.create(null);
  const envNames: string[] = [];
  for (const [name, value] of ownEntries(raw)) {
    const where = `${at}/secrets/${name}`;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      ctx.problems.push({ path: where, message: 'is not a variable name the script can receive: letters, digits and "_", not starting with a digit' });
      continue;
    }
    if (name.toUpperCase().startsWith('INTEGRALGIT_')) {
      ctx.problems.push({ path: where, message: 'INTEGRALGIT_* variables are set by IntegralGit itself; choose another name' });
      continue;
    }
    const src = asObject(value);
    if (!src) continue;
    if ((src.file === undefined) === (src.env === undefined)) {
      ctx.problems.push({ path: where, message: 'must be { "file": "/path" } or { "env": "VARIABLE" }: exactly one source' });
      continue;
    }
    const env = asString(src.env);
    if (env !== undefined) envNames.push(env);
    const secret = resolveSecret({ at: where, keys: { literal: 'value', env: 'env', file: 'file' }, env, file: asString(src.file) }, ctx);
    if (secret !== undefined) values[name] = secret;
  }
  return { values, envNames };
}
