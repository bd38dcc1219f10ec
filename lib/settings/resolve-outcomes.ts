import { didYouMean } from '../validation/validate-with-schema';
import { DEFAULT_NOTIFY_ON } from '../outcomes/notify/select-targets';
import { COMMIT_STATUS_PROVIDERS } from './outcome-schema';
import { asObject, asString, asStringArray, pointer, type RawObject } from './raw-access';
import { resolveSecret, type SecretContext } from './resolve-secret';
import type { Settings } from './types';
import type { CommitStatusProviderName, CommitStatusSettings, NotifyEvent, NotifyTarget, NotifyType } from './outcome-types';

/*
 * SPEC §9 settings: `publicUrl`, `repos.<name>.commitStatus` and `notify`. Shapes were
 * checked by the schema (outcome-schema.ts); this checks what needs several keys, the
 * environment or files, and reads tokens. Every env var read here is returned in
 * `secretEnvNames` so the deploy script never sees it.
 */

/** Which keys each notification type takes, besides `type`, `name`, `repos` and `on`. */
const KEYS_BY_TYPE: Record<NotifyType, string[]> = {
  webhook: ['url', 'urlEnv', 'secret', 'secretEnv', 'secretFile'],
  slack: ['url', 'urlEnv'],
  email: ['smtp', 'from', 'to', 'username', 'usernameEnv', 'password', 'passwordEnv'],
};
const COMMON_KEYS = ['type', 'name', 'repos', 'on'];

export function resolvePublicUrl(v: unknown, problems: SecretContext['problems']): string | undefined {
  const s = asString(v);
  if (s === undefined) return undefined;
  const problem = httpUrlProblem(s, 'a page link');
  if (problem) {
    problems.push({ path: '/publicUrl', message: problem });
    return undefined;
  }
  return s.replace(/\/+$/, '');
}

/**
 * Fill `publicUrl`, `notify` and every repo's `commitStatus` into settings whose repos are
 * resolved already, and add the env vars they read to the lists kept from scripts.
 */
export function applyOutcomeSettings(raw: RawObject, settings: Settings, ctx: SecretContext): void {
  const publicUrl = resolvePublicUrl(raw.publicUrl, ctx.problems);
  if (publicUrl !== undefined) settings.publicUrl = publicUrl;
  const reposRaw = asObject(raw.repos);
  for (const repo of Object.values(settings.repos)) {
    const csRaw = asObject(asObject(reposRaw?.[repo.name])?.commitStatus);
    if (!csRaw) continue;
    const result = resolveCommitStatus(repo.name, repo.url, csRaw, publicUrl, ctx);
    if (result.settings) repo.commitStatus = result.settings;
    repo.secretEnvNames.push(...result.secretEnvNames);
  }
  const notify = resolveNotify(raw.notify, Object.keys(settings.repos), ctx);
  settings.notify = notify.targets;
  settings.secretEnvNames = [...(settings.secretEnvNames ?? []), ...notify.secretEnvNames];
}

export interface CommitStatusResult {
  settings?: CommitStatusSettings;
  secretEnvNames: string[];
}

export function resolveCommitStatus(
  repoName: string,
  repoUrl: string,
  raw: RawObject,
  publicUrl: string | undefined,
  ctx: SecretContext,
): CommitStatusResult {
  const at = `${pointer('repos', repoName)}/commitStatus`;
  const secretEnvNames = [asString(raw.tokenEnv), asString(raw.usernameEnv)].filter((v): v is string => v !== undefined);
  // an unknown provider was reported by the schema; resolve as if none were named
  const named = asString(raw.provider);
  const provider = (COMMIT_STATUS_PROVIDERS as readonly string[]).includes(named ?? '') ? (named as CommitStatusProviderName) : undefined;
  const apiUrl = asString(raw.apiUrl);
  if (apiUrl !== undefined) {
    const problem = httpUrlProblem(apiUrl, 'the token');
    if (problem) ctx.problems.push({ path: `${at}/apiUrl`, message: problem });
  }
  if (raw.token === undefined && raw.tokenEnv === undefined && raw.tokenFile === undefined) {
    ctx.problems.push({ path: at, message: 'needs an API token of the git host: set token, tokenEnv or tokenFile (see docs/guide/commit-status.md for the scopes)' });
    return { secretEnvNames };
  }
  const token = resolveSecret({ at, keys: { literal: 'token', env: 'tokenEnv', file: 'tokenFile' }, literal: asString(raw.token), env: asString(raw.tokenEnv), file: asString(raw.tokenFile) }, ctx);
  const username = resolveSecret({ at, keys: { literal: 'username', env: 'usernameEnv' }, literal: asString(raw.username), env: asString(raw.usernameEnv) }, ctx);
  const basicAuth = raw.username !== undefined || raw.usernameEnv !== undefined;
  if (basicAuth && provider !== undefined && !provider.startsWith('bitbucket')) {
    ctx.problems.push({ path: `${at}/username`, message: `is for Bitbucket's basic auth only; ${provider} takes the token alone` });
  }
  if (token === undefined) return { secretEnvNames };
  const settings: CommitStatusSettings = { token };
  if (provider !== undefined) settings.provider = provider;
  if (apiUrl !== undefined) settings.apiUrl = apiUrl.replace(/\/+$/, '');
  if (username !== undefined) settings.username = username;
  // the providers' registry (eight modules) loads only for a repo that posts statuses:
  // every command reads the settings, few of them have this key
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { resolveStatusTarget } = require('../outcomes/commit-status/resolve-endpoint') as typeof import('../outcomes/commit-status/resolve-endpoint');
  // with a provider named (or a well-known host), a wrong url shape is a start-time error
  const target = resolveStatusTarget(repoUrl, settings);
  if ('problem' in target && !target.providerUnknown) ctx.problems.push({ path: at, message: target.problem });
  const bitbucket = 'provider' in target ? target.provider.name.startsWith('bitbucket') : provider?.startsWith('bitbucket');
  if (bitbucket && publicUrl === undefined) {
    ctx.problems.push({ path: at, message: 'Bitbucket requires a link on every build status: set publicUrl (the address of these pages)' });
  }
  return { settings, secretEnvNames };
}

export interface NotifyResult {
  targets: NotifyTarget[];
  secretEnvNames: string[];
}

export function resolveNotify(raw: unknown, repoNames: string[], ctx: SecretContext): NotifyResult {
  const out: NotifyResult = { targets: [], secretEnvNames: [] };
  if (!Array.isArray(raw)) return out;
  const names = new Set<string>();
  const perType = new Map<NotifyType, number>();
  raw.forEach((item, i) => {
    const t = asObject(item);
    const type = asString(t?.type) as NotifyType | undefined;
    if (!t || !type || !(type in KEYS_BY_TYPE)) return; // reported by the schema
    const at = pointer('notify', i);
    for (const env of ['urlEnv', 'secretEnv', 'usernameEnv', 'passwordEnv']) {
      const name = asString(t[env]);
      if (name !== undefined) out.secretEnvNames.push(name);
    }
    for (const key of Object.keys(t)) {
      if (COMMON_KEYS.includes(key) || KEYS_BY_TYPE[type].includes(key)) continue;
      const hint = didYouMean(key, KEYS_BY_TYPE[type]);
      ctx.problems.push({ path: `${at}/${key}`, message: `is not a key of ${type === 'email' ? 'an' : 'a'} ${type} target${hint ? `; did you mean "${hint}"?` : ` (it takes ${KEYS_BY_TYPE[type].join(', ')})`}` });
    }
    const count = (perType.get(type) ?? 0) + 1;
    perType.set(type, count);
    const name = asString(t.name) ?? (count === 1 ? type : `${type}-${count}`);
    if (names.has(name)) ctx.problems.push({ path: `${at}/name`, message: `"${name}" names another target too; give each target its own name` });
    names.add(name);
    const base = { name, on: [...new Set((asStringArray(t.on) ?? DEFAULT_NOTIFY_ON) as NotifyEvent[])], ...checkRepos(t.repos, repoNames, at, ctx) };
    const target = type === 'email' ? emailTarget(t, at, base, ctx) : urlTarget(type, t, at, base, ctx);
    if (target) out.targets.push(target);
  });
  return out;
}

function checkRepos(v: unknown, repoNames: string[], at: string, ctx: SecretContext): { repos?: string[] } {
  const repos = asStringArray(v);
  if (!repos) return {};
  repos.forEach((r, j) => {
    if (repoNames.includes(r)) return;
    const hint = didYouMean(r, repoNames);
    ctx.problems.push({ path: `${at}/repos/${j}`, message: `"${r}" is not a repo of these settings${hint ? `; did you mean "${hint}"?` : ''}` });
  });
  return { repos };
}

type Base = Pick<NotifyTarget, 'name' | 'on' | 'repos'>;

function urlTarget(type: 'webhook' | 'slack', t: RawObject, at: string, base: Base, ctx: SecretContext): NotifyTarget | undefined {
  if (t.url === undefined && t.urlEnv === undefined) {
    ctx.problems.push({ path: at, message: `a ${type} target needs url or urlEnv` });
    return undefined;
  }
  const url = resolveSecret({ at, keys: { literal: 'url', env: 'urlEnv' }, literal: asString(t.url), env: asString(t.urlEnv) }, ctx);
  if (url === undefined) return undefined;
  const problem = httpUrlProblem(url, 'the message');
  if (problem) {
    // never repeat the URL: a Slack-style URL is itself a credential
    ctx.problems.push({ path: `${at}/${t.urlEnv !== undefined ? 'urlEnv' : 'url'}`, message: problem });
    return undefined;
  }
  if (type === 'slack') return { ...base, type, url };
  const secret = resolveSecret({ at, keys: { literal: 'secret', env: 'secretEnv', file: 'secretFile' }, literal: asString(t.secret), env: asString(t.secretEnv), file: asString(t.secretFile) }, ctx);
  if (t.secret === undefined && t.secretEnv === undefined && t.secretFile === undefined) {
    ctx.warnings.push(`notify[${at.split('/').pop()}] (${base.name}): no secret, so its messages are not signed and the receiver cannot tell them from forgeries`);
  }
  return secret !== undefined ? { ...base, type, url, secret } : { ...base, type, url };
}

function emailTarget(t: RawObject, at: string, base: Base, ctx: SecretContext): NotifyTarget | undefined {
  const missing = ['smtp', 'from', 'to'].filter((k) => t[k] === undefined);
  for (const k of missing) ctx.problems.push({ path: `${at}/${k}`, message: 'is required for an email target' });
  const smtp = asString(t.smtp);
  const smtpProblem = smtp !== undefined ? smtpUrlProblem(smtp) : undefined;
  if (smtpProblem) ctx.problems.push({ path: `${at}/smtp`, message: smtpProblem });
  const username = resolveSecret({ at, keys: { literal: 'username', env: 'usernameEnv' }, literal: asString(t.username), env: asString(t.usernameEnv) }, ctx);
  const password = resolveSecret({ at, keys: { literal: 'password', env: 'passwordEnv' }, literal: asString(t.password), env: asString(t.passwordEnv) }, ctx);
  const hasUser = t.username !== undefined || t.usernameEnv !== undefined;
  const hasPassword = t.password !== undefined || t.passwordEnv !== undefined;
  if (hasUser !== hasPassword) ctx.problems.push({ path: at, message: 'SMTP login needs both a username (username/usernameEnv) and a password (password/passwordEnv), or neither' });
  const from = asString(t.from);
  const to = asStringArray(t.to);
  if (missing.length || smtpProblem || smtp === undefined || from === undefined || to === undefined) return undefined;
  const target: NotifyTarget = { ...base, type: 'email', smtp, from, to };
  if (username !== undefined && password !== undefined) Object.assign(target, { username, password });
  return target;
}

function httpUrlProblem(s: string, what: string): string | undefined {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return 'must be an absolute http:// or https:// URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be an http:// or https:// URL (got ${url.protocol}//)`;
  if (url.username || url.password) return `must not embed credentials (user:password@): they would travel with ${what}; use the *Env keys`;
  return undefined;
}

function smtpUrlProblem(s: string): string | undefined {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return 'must be a URL such as smtp://mail.example.com:587 or smtps://mail.example.com:465';
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return `must start with smtp:// (STARTTLS when offered) or smtps:// (TLS), not ${url.protocol}//`;
  if (!url.hostname) return 'has no host name';
  if (url.username || url.password) return 'must not embed credentials; set usernameEnv and passwordEnv instead';
  if (url.pathname && url.pathname !== '/') return 'must be only a scheme, host and port (smtp://host:port)';
  return undefined;
}
