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
