import path from 'node:path';
import type { Problem } from '../errors';
import { asInteger, asObject, asString, asStringArray, ownEntries, pointer, type RawObject } from './raw-access';
import { detectGitBinary, type GitBinary } from './detect-git-binary';
import { parseByteSize } from './parse-byte-size';
import { repoNameProblem } from './repo-name';
import { checkCidrs, resolveRepo } from './resolve-repo';
import { resolveCredentials } from './resolve-credentials';
import { resolveHostname } from './resolve-hostname';
import { resolveFleet } from './resolve-fleet';
import { applyOutcomeSettings } from './resolve-outcomes';
import { resolveRetention } from './resolve-retention';
import type { GitBackendName, RepoSettings, Settings, SettingsOverrides } from './types';
import { resolveHealthcheckHosts } from './resolve-safe-deployments';

export const DEFAULTS = {
  listen: { host: '0.0.0.0', port: 8080 },
  dataDir: './data',
  bodyLimit: 25 * 1024 * 1024,
  deliveriesLimit: 1000,
  pollInterval: 0,
  logFormat: 'text',
} as const;

export interface ResolveOptions {
  file: string;
  /** relative paths in the settings are resolved against it (the settings file's folder) */
  baseDir: string;
  overrides?: SettingsOverrides;
  env?: NodeJS.ProcessEnv;
  /** read-only commands: unresolvable secrets are warnings, not problems (SPEC §12) */
  secretsOptional?: boolean;
  /** for tests: stands in for running `git --version` */
  detectGit?: () => GitBinary;
}

/**
 * Settings as written (already checked against the schema) → Settings with defaults filled,
 * paths absolute and secrets read. Every semantic problem is appended to `problems`; the
 * result is only usable when there are none.
 */
export function resolveSettings(raw: RawObject, opts: ResolveOptions, problems: Problem[]): Settings {
  const env = opts.env ?? process.env;
  const overrides = checkOverrides(opts.overrides ?? {}, problems);
  const warnings: string[] = [];
  const unresolved: string[] = [];
  const ctx = { baseDir: opts.baseDir, env, problems, warnings, secretsOptional: opts.secretsOptional, unresolved };

  const listenRaw = asObject(raw.listen);
  const listen = {
    host: overrides.host ?? asString(listenRaw?.host) ?? DEFAULTS.listen.host,
    port: overrides.port ?? asInteger(listenRaw?.port) ?? DEFAULTS.listen.port,
  };
  const dataDir = overrides.dataDir !== undefined
    ? path.resolve(overrides.dataDir)
    : path.resolve(opts.baseDir, asString(raw.dataDir) ?? DEFAULTS.dataDir);
  const rootsRaw = asStringArray(raw.allowedRoots);
  const allowedRoots = [...new Set((rootsRaw ?? [path.join(dataDir, 'deployments')]).map((r) => path.resolve(opts.baseDir, r)))];
  if (allowedRoots.some((r) => path.parse(r).root === r)) {
    warnings.push('allowedRoots contains the filesystem root, so a repo config may deploy anywhere the service user can write');
  }

  const fileGit: GitBackendName | undefined = raw.git === 'native' || raw.git === 'isomorphic' ? raw.git : undefined;
  let git: GitBackendName | undefined = fileGit;
  let gitDefaulted: Settings['gitDefaulted'];
  if (!git) {
    const found = (opts.detectGit ?? detectGitBinary)().found;
    git = found ? 'native' : 'isomorphic';
    gitDefaulted = found ? 'native' : 'isomorphic-no-git-binary';
    if (!found) warnings.push('no git binary found, so "git" defaults to "isomorphic" (HTTPS remotes only, no submodules); install git or set "git" explicitly');
  }

  const repos = resolveRepos(asObject(raw.repos), { ...ctx, git, gitDefaulted, retention: resolveRetention(asObject(raw.retention)) });
  const credentials = resolveCredentials(raw, ctx);
  const { hostname, hostnameSource } = resolveHostname(overrides.hostname, env, asString(raw.hostname), problems);

  const settings: Settings = {
    file: opts.file,
    listen,
    dataDir,
    hostname,
    hostnameSource,
    allowedRoots,
    git,
    repos,
    trustedNetworks: checkCidrs(asStringArray(raw.trustedNetworks) ?? [], '/trustedNetworks', problems),
    trustProxy: resolveTrustProxy(raw.trustProxy, problems),
    basePath: resolveBasePath(raw.basePath, problems),
    bodyLimit: resolveBodyLimit(raw.bodyLimit, problems),
    deliveriesLimit: asInteger(raw.deliveriesLimit) ?? DEFAULTS.deliveriesLimit,
    logFormat: overrides.logFormat ?? (raw.logFormat === 'json' ? 'json' : DEFAULTS.logFormat),
    secretEnvNames: credentials.secretEnvNames,
    warnings,
    healthcheckHosts: resolveHealthcheckHosts(raw.healthcheckHosts, problems),
  };
  if (gitDefaulted) settings.gitDefaulted = gitDefaulted;
  if (unresolved.length > 0) settings.unresolvedSecrets = unresolved;
  if (credentials.admin) settings.admin = credentials.admin;
  if (credentials.readAuth) settings.readAuth = credentials.readAuth;
  if (credentials.triggerToken !== undefined) settings.triggerToken = credentials.triggerToken;
  const fleet = resolveFleet(asObject(raw.fleet), ctx, { repos: Object.keys(repos), hostname });
  if (fleet) settings.fleet = fleet;
  // SPEC §9: publicUrl, notify, repos.*.commitStatus
  applyOutcomeSettings(raw, settings, ctx);
  return settings;
}

function resolveRepos(raw: RawObject | undefined, ctx: Parameters<typeof resolveRepo>[2]): Record<string, RepoSettings> {
  // no prototype: a request for /constructor or /__proto__ must not find a "repo"
  const repos: Record<string, RepoSettings> = Object.create(null);
  if (!raw) return repos;
  const entries = ownEntries(raw);
  if (entries.length === 0) ctx.warnings.push('no repos are configured, so every webhook will be refused');
  const seen = new Map<string, string>();
  const urls = new Map<string, string>();
  for (const [name, value] of entries) {
    const at = pointer('repos', name);
    const nameProblem = repoNameProblem(name);
    if (nameProblem) ctx.problems.push({ path: at, message: nameProblem });
    const twin = seen.get(name.toLowerCase());
    if (twin !== undefined) ctx.problems.push({ path: at, message: `differs from repo "${twin}" only by case; URLs are case-insensitive, rename one of them` });
    seen.set(name.toLowerCase(), name);
    const repoRaw = asObject(value);
    if (!repoRaw) continue;
    const repo = resolveRepo(name, repoRaw, ctx);
    const urlKey = repo.url.toLowerCase().replace(/\/+$/, '').replace(/\.git$/, '');
    const sameUrl = urls.get(urlKey);
    if (repo.url && sameUrl !== undefined) ctx.warnings.push(`repos.${name} and repos.${sameUrl} have the same url, so a webhook for it matches both`);
    urls.set(urlKey, name);
    if (!nameProblem) repos[name] = repo;
  }
  return repos;
}

function checkOverrides(o: SettingsOverrides, problems: Problem[]): SettingsOverrides {
  const out: SettingsOverrides = {};
  if (o.port !== undefined) {
    if (Number.isInteger(o.port) && o.port >= 0 && o.port <= 65535) out.port = o.port;
    else problems.push({ path: '--port', message: 'must be an integer from 0 to 65535' });
  }
  if (o.host !== undefined) {
    if (o.host.trim()) out.host = o.host.trim();
    else problems.push({ path: '--host', message: 'must not be empty' });
  }
  if (o.dataDir !== undefined) {
    if (o.dataDir.trim()) out.dataDir = o.dataDir;
    else problems.push({ path: '--data-dir', message: 'must not be empty' });
  }
  if (o.logFormat !== undefined) {
    if (o.logFormat === 'text' || o.logFormat === 'json') out.logFormat = o.logFormat;
    else problems.push({ path: '--log-format', message: 'must be "text" or "json"' });
  }
  if (o.hostname !== undefined) out.hostname = o.hostname;
  return out;
}

function resolveTrustProxy(v: unknown, problems: Problem[]): Settings['trustProxy'] {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1) return v;
  const list = asStringArray(v);
  if (list && list.length > 0) return checkCidrs(list, '/trustProxy', problems);
  return false;
}

function resolveBasePath(v: unknown, problems: Problem[]): string {
  const s = asString(v);
  if (s === undefined || s === '') return '';
  if (s === '/') {
    problems.push({ path: '/basePath', message: 'must be "" (no prefix) rather than "/"' });
  } else if (s.endsWith('/')) {
    problems.push({ path: '/basePath', message: `must not end with a slash (write "${s.replace(/\/+$/, '')}")` });
  } else if (!/^(?:\/[A-Za-z0-9._~-]+)+$/.test(s) || s.split('/').some((seg) => seg === '.' || seg === '..')) {
    problems.push({ path: '/basePath', message: 'must be "" or a URL prefix such as "/deploy": a leading slash, then letters, digits, ".", "_", "~" or "-" per segment' });
  }
  return s;
}

function resolveBodyLimit(v: unknown, problems: Problem[]): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1) return v;
  if (typeof v === 'string') {
    const bytes = parseByteSize(v);
    if (bytes !== undefined) return bytes;
    problems.push({ path: '/bodyLimit', message: 'must be a number of bytes or a size such as "25mb" (units: b, kb, mb, gb)' });
  }
  return DEFAULTS.bodyLimit;
}
