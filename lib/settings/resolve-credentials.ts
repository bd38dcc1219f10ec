import { asObject, asString, type RawObject } from './raw-access';
import { resolveSecret, type SecretContext } from './resolve-secret';
import type { Settings } from './types';

type Credentials = Pick<Settings, 'admin' | 'readAuth' | 'triggerToken'> & { secretEnvNames: string[] };

/** The server-wide credentials: `admin` (UI actions), `readAuth` (reading pages), `triggerToken`. */
export function resolveCredentials(raw: RawObject, ctx: SecretContext): Credentials {
  const out: Credentials = { secretEnvNames: [] };
  const note = (name: unknown) => {
    if (typeof name === 'string') out.secretEnvNames.push(name);
  };

  const admin = asObject(raw.admin);
  if (admin) {
    note(admin.passwordEnv);
    note(admin.tokenEnv);
    const password = secretPair(admin, '/admin', 'password', ctx);
    const token = secretPair(admin, '/admin', 'token', ctx);
    if (!given(admin, 'password') && !given(admin, 'token')) {
      ctx.problems.push({ path: '/admin', message: 'needs a password (password/passwordEnv) or a token (token/tokenEnv), or remove admin for a read-only UI' });
    } else {
      // the username only matters for basic auth; a token-only admin still gets a name for the logs
      out.admin = { username: asString(admin.username) ?? 'admin' };
      if (password !== undefined) out.admin.password = password;
      if (token !== undefined) out.admin.token = token;
    }
  }

  const readAuth = asObject(raw.readAuth);
  if (readAuth) {
    note(readAuth.passwordEnv);
    const password = secretPair(readAuth, '/readAuth', 'password', ctx);
    if (!given(readAuth, 'password')) {
      ctx.problems.push({ path: '/readAuth', message: 'needs password or passwordEnv (or remove readAuth to leave the pages open)' });
    }
    const username = asString(readAuth.username);
    if (username !== undefined && password !== undefined) out.readAuth = { username, password };
  }

  note(raw.triggerTokenEnv);
  const trigger = resolveSecret({ at: '', keys: { literal: 'triggerToken', env: 'triggerTokenEnv' }, literal: asString(raw.triggerToken), env: asString(raw.triggerTokenEnv) }, ctx);
  if (trigger !== undefined) out.triggerToken = trigger;
  return out;
}

function given(o: RawObject, key: string): boolean {
  return o[key] !== undefined || o[`${key}Env`] !== undefined;
}

function secretPair(o: RawObject, at: string, key: string, ctx: SecretContext): string | undefined {
  return resolveSecret({ at, keys: { literal: key, env: `${key}Env` }, literal: asString(o[key]), env: asString(o[`${key}Env`]) }, ctx);
}
