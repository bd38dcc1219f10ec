import fs from 'node:fs';
import path from 'node:path';
import type { Problem } from '../errors';
import { asInteger, asObject, asString, asStringArray, pointer, type RawObject } from './raw-access';
import { classifyRepoUrl, type RepoUrlKind } from '../remote-url';
import type * as CheckCidr from './check-cidr';
import { resolveSecret, type SecretContext } from './resolve-secret';
import { resolveScriptSecrets } from './resolve-script-secrets';
import { resolveRetention } from './resolve-retention';
import { resolveRunAs } from './resolve-run-as';
import type { GitBackendName, RepoAuth, RepoSettings, Retention } from './types';
import { resolveRepoSafety } from './resolve-safe-deployments';

export interface RepoContext extends SecretContext {
  git: GitBackendName;
  gitDefaulted?: 'native' | 'isomorphic-no-git-binary';
  /** the server-wide `retention`, already defaulted */
  retention: Retention;
}

/**
 * One entry of `repos` → RepoSettings, with its secret and credentials read. Problems are
 * appended to ctx.problems; the result is only meaningful when none were added.
 */
export function resolveRepo(name: string, raw: RawObject, ctx: RepoContext): RepoSettings {
  const at = pointer('repos', name);
  const url = asString(raw.url) ?? '';
  const kind = url ? checkUrl(url, at, ctx) : undefined;
  const insecure = raw.insecure === true;
  const sources = { literal: asString(raw.secret), env: asString(raw.secretEnv), file: asString(raw.secretFile) };
  // presence, not type: a secret of the wrong type was reported by the schema already
  const hasSource = raw.secret !== undefined || raw.secretEnv !== undefined || raw.secretFile !== undefined;
  let secret: string | undefined;
  if (insecure && hasSource) {
    ctx.problems.push({ path: `${at}/insecure`, message: 'is true but a secret is also set; remove one of them (which one is meant is ambiguous)' });
  } else if (insecure) {
    ctx.warnings.push(`repos.${name}: insecure is true, so webhooks for this repo are accepted without any signature check`);
  } else if (!hasSource) {
    ctx.problems.push({
      path: at,
      message: 'needs a webhook secret: set one of secret, secretEnv or secretFile (or "insecure": true to accept unsigned webhooks)',
    });
  } else {
    secret = resolveSecret({ at, keys: { literal: 'secret', env: 'secretEnv', file: 'secretFile' }, ...sources }, ctx);
  }

  const repo: RepoSettings = {
    name,
    url,
    insecure,
    pollInterval: asInteger(raw.pollInterval) ?? 0,
    secretEnvNames: [],
    retention: resolveRetention(asObject(raw.retention), ctx.retention),
    ...resolveRepoSafety(raw, at, ctx),
  };
  if (secret !== undefined) repo.secret = secret;
  const rawAuth = asObject(raw.auth);
  if (rawAuth) {
    const auth = resolveAuth(rawAuth, `${at}/auth`, ctx);
    if (auth) repo.auth = auth;
  }
  for (const key of ['sshKeyFile', 'knownHostsFile'] as const) {
    const file = asString(raw[key]);
    if (file !== undefined) repo[key] = checkedFile(file, `${at}/${key}`, ctx);
  }
  if (raw.sshKeyFile !== undefined && kind && kind !== 'ssh') {
    ctx.warnings.push(`repos.${name}: sshKeyFile is set but the url is not an SSH remote, so the key is not used`);
  }
  const networks = asStringArray(raw.trustedNetworks);
  if (networks) repo.trustedNetworks = checkCidrs(networks, `${at}/trustedNetworks`, ctx.problems);
  const scriptSecrets = resolveScriptSecrets(asObject(raw.secrets), at, ctx);
  if (scriptSecrets) repo.secrets = scriptSecrets.values;
  const runAs = resolveRunAs(asObject(raw.runAs), at, ctx);
  if (runAs) repo.runAs = runAs;
  repo.secretEnvNames = [asString(raw.secretEnv), asString(rawAuth?.usernameEnv), asString(rawAuth?.tokenEnv), ...(scriptSecrets?.envNames ?? [])].filter(
    (v): v is string => v !== undefined,
  );
  return repo;
}

export function checkCidrs(list: string[], at: string, problems: Problem[]): string[] {
  if (list.length === 0) return list;
  // the CIDR parser (ipaddr.js, 37 KB) loads only for settings that list networks
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { cidrProblem } = require('./check-cidr') as typeof CheckCidr;
  list.forEach((c, i) => {
    const problem = cidrProblem(c);
    if (problem) problems.push({ path: `${at}/${i}`, message: problem });
  });
  return list.map((c) => c.trim());
}

function checkUrl(url: string, at: string, ctx: RepoContext): RepoUrlKind | undefined {
  const r = classifyRepoUrl(url);
  if ('problem' in r) {
    ctx.problems.push({ path: `${at}/url`, message: r.problem });
    return undefined;
  }
  if (r.kind === 'ssh' && ctx.git === 'isomorphic') {
    ctx.problems.push({
      path: `${at}/url`,
      message:
        ctx.gitDefaulted === 'isomorphic-no-git-binary'
          ? 'is an SSH remote, which needs a git binary, and none was found on this machine; install git or use an https:// URL'
          : 'is an SSH remote but "git" is "isomorphic", which speaks HTTPS only; set "git": "native" or use an https:// URL',
    });
  }
  return r.kind;
}

function resolveAuth(raw: RawObject, at: string, ctx: SecretContext): RepoAuth | undefined {
  const username = resolveSecret({ at, keys: { literal: 'username', env: 'usernameEnv' }, literal: asString(raw.username), env: asString(raw.usernameEnv) }, ctx);
  const token = resolveSecret({ at, keys: { literal: 'token', env: 'tokenEnv' }, literal: asString(raw.token), env: asString(raw.tokenEnv) }, ctx);
  const tokenGiven = raw.token !== undefined || raw.tokenEnv !== undefined;
  if (!tokenGiven) {
    ctx.problems.push({ path: at, message: 'needs a token or password for the git host: set token or tokenEnv (or remove auth)' });
    return undefined;
  }
  const auth: RepoAuth = {};
  if (username !== undefined) auth.username = username;
  if (token !== undefined) auth.token = token;
  return auth;
}

function checkedFile(file: string, at: string, ctx: SecretContext): string {
  const abs = path.resolve(ctx.baseDir, file);
  const problem = fileProblem(abs);
  if (problem) ctx.problems.push({ path: at, message: problem });
  return abs;
}

function fileProblem(abs: string): string | undefined {
  // existence only: the key is read by ssh, as the service user, when a fetch runs
  try {
    return fs.statSync(abs).isFile() ? undefined : `${abs} is not a regular file`;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? `file ${abs} does not exist` : `file ${abs} cannot be checked (${code ?? String(err)})`;
  }
}
