import path from 'node:path';
import type { Problem } from '../errors';
import { branchNameProblem, hasSpaceOrControl, remoteNameProblem } from './check-branch-name';
import { pointer, quote } from './json-pointer';

/**
 * The rules a JSON Schema states badly, checked on a document the schema already typed:
 * each check looks only at values of the right type, so a wrong type is reported once.
 * A `location` is checked syntactically here; whether it lies inside `allowedRoots` is
 * decided at deploy time from the server settings.
 */
export function checkConfigValues(doc: unknown): Problem[] {
  const problems: Problem[] = [];
  if (!isObject(doc)) return problems;
  if (isObject(doc.hostgroups)) {
    for (const [group, hosts] of Object.entries(doc.hostgroups)) {
      const at = ['hostgroups', group];
      const nameProblem = layerNameProblem(group, 'a hostgroup');
      if (nameProblem) problems.push({ path: pointer(at), message: nameProblem });
      if (!Array.isArray(hosts)) continue;
      hosts.forEach((host, i) => {
        if (typeof host !== 'string') return;
        const hostProblem = layerNameProblem(host, 'a host');
        if (hostProblem) problems.push({ path: pointer([...at, i]), message: hostProblem });
      });
    }
  }
  if (Array.isArray(doc.rollout)) {
    const groups = isObject(doc.hostgroups) ? doc.hostgroups : {};
    doc.rollout.forEach((wave, i) => {
      if (typeof wave !== 'string' || wave === '*') return;
      if (!Object.prototype.hasOwnProperty.call(groups, wave)) {
        problems.push({ path: pointer(['rollout', i]), message: `names no hostgroup: a wave is a key of "hostgroups" or "*" (every other host)` });
      }
    });
  }
  if (isObject(doc.configs)) {
    for (const [layer, body] of Object.entries(doc.configs)) {
      if (layer === '') problems.push({ path: pointer(['configs', layer]), message: 'a layer name must not be empty' });
      else if (hasSpaceOrControl(layer)) problems.push({ path: pointer(['configs', layer]), message: 'a layer name must not contain spaces or control characters' });
      if (isObject(body)) problems.push(...checkLayer(body, ['configs', layer]));
    }
  }
  return problems;
}

function checkLayer(layer: Record<string, unknown>, at: string[]): Problem[] {
  const problems: Problem[] = [];
  const add = (key: string, message: string | undefined) => {
    if (message) problems.push({ path: pointer([...at, key]), message });
  };
  if (typeof layer.location === 'string') add('location', locationProblem(layer.location));
  if (typeof layer.script === 'string') {
    if (layer.script === '') add('script', 'must not be empty (leave "script" out to only update the working copy)');
    else if (layer.script.includes('\0')) add('script', 'must not contain NUL characters');
  }
  if (typeof layer.branch === 'string') {
    const problem = branchNameProblem(layer.branch);
    add('branch', problem && `${quote(layer.branch)} is not a valid git branch name: ${problem}`);
  }
  if (typeof layer.remote === 'string') {
    const problem = remoteNameProblem(layer.remote);
    add('remote', problem && `${quote(layer.remote)} is not a valid git remote name: ${problem}`);
  }
  problems.push(...checkSafeDeploymentKeys(layer, at));
  if (isObject(layer.env)) {
    for (const [name, value] of Object.entries(layer.env)) {
      const envAt = [...at, 'env', name];
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        problems.push({ path: pointer(envAt), message: `${quote(name)} is not a valid environment variable name (letters, digits and "_", not starting with a digit)` });
      } else if (/^INTEGRALGIT_/i.test(name)) {
        problems.push({ path: pointer(envAt), message: `variables named INTEGRALGIT_* are set by IntegralGit itself and cannot be set in the config` });
      }
      // the value is not echoed: env values are often credentials
      if (typeof value === 'string' && value.includes('\0')) problems.push({ path: pointer(envAt), message: 'must not contain NUL characters' });
    }
  }
  return problems;
}

/** `activate`, `healthcheck`, `releases` (SPEC §10); whether a healthcheck url's host is allowed is decided with the settings at deploy time. */
function checkSafeDeploymentKeys(layer: Record<string, unknown>, at: string[]): Problem[] {
  const problems: Problem[] = [];
  const add = (keys: (string | number)[], message: string | undefined) => {
    if (message) problems.push({ path: pointer([...at, ...keys]), message });
  };
  if (typeof layer.activate === 'string') add(['activate'], commandProblem(layer.activate, 'activate'));
  if (isObject(layer.healthcheck)) {
    const hc = layer.healthcheck;
    // a layer may set only timing keys and inherit url/command; only the effective config must have one
    if (typeof hc.url === 'string') add(['healthcheck', 'url'], healthcheckUrlSyntaxProblem(hc.url));
    if (typeof hc.command === 'string') add(['healthcheck', 'command'], commandProblem(hc.command, 'healthcheck.command'));
  }
  if (isObject(layer.releases) && Array.isArray(layer.releases.shared)) {
    layer.releases.shared.forEach((entry, i) => {
      if (typeof entry === 'string') add(['releases', 'shared', i], sharedEntryProblem(entry));
    });
  }
  return problems;
}

function commandProblem(command: string, key: string): string | undefined {
  if (command === '') return `must not be empty (leave "${key.split('.').pop()}" out instead)`;
  if (command.includes('\0')) return 'must not contain NUL characters';
  return undefined;
}

/** The url's syntax; its host is checked against loopback and `healthcheckHosts` by lib/health. */
export function healthcheckUrlSyntaxProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${quote(url)} is not a URL; write e.g. "http://127.0.0.1:3000/health"`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `must be an http:// or https:// URL, got ${quote(url)}`;
  if (parsed.username || parsed.password) return 'must not carry credentials (user:password@): the repo config is readable by anyone who can read the repository';
  return undefined;
}

/** A `shared` entry is a path inside the release, e.g. "storage" or "config/.env". */
function sharedEntryProblem(entry: string): string | undefined {
  if (entry === '' || entry.includes('\0')) return 'must be a non-empty path without NUL characters';
  if (entry.startsWith('/')) return `must be relative to the release directory, got ${quote(entry)}`;
  const segments = entry.split('/').filter((seg) => seg !== '' && seg !== '.');
  if (segments.length === 0) return `must name a file or directory inside the release, got ${quote(entry)}`;
  if (segments.includes('..')) return `must not contain ".." segments, got ${quote(entry)}`;
  if (segments[0].toLowerCase() === '.git') return `must not be inside .git, got ${quote(entry)}`;
  return undefined;
}

function locationProblem(location: string): string | undefined {
  if (location.includes('\0')) return 'must not contain NUL characters';
  if (!location.startsWith('/')) return `must be an absolute path (starting with "/"), got ${quote(location)}`;
  if (location.split('/').includes('..')) return `must not contain ".." segments, got ${quote(location)}`;
  if (path.posix.normalize(location) === '/') return 'must not be the filesystem root "/"';
  return undefined;
}

function layerNameProblem(name: string, what: string): string | undefined {
  if (name === '') return `${what} name must not be empty`;
  if (hasSpaceOrControl(name)) return `${what} name must not contain spaces or control characters, got ${quote(name)}`;
  if (name === 'base') return `${what} cannot be named "base": that name is the base layer applied to every host`;
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
