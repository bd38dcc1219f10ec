import { packageVersion } from '../../version';
import type { StatusEndpoint } from './types';

/** Headers every status request carries: JSON, a User-Agent (GitHub refuses requests without one). */
export function jsonHeaders(extra: Record<string, string>): Record<string, string> {
  return { 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': `IntegralGit/${packageVersion()}`, ...extra };
}

/** Bearer for tokens; basic auth when a username is set (Bitbucket app passwords, Atlassian API tokens). */
export function bearerOrBasic(endpoint: StatusEndpoint): string {
  if (endpoint.username !== undefined) return `Basic ${Buffer.from(`${endpoint.username}:${endpoint.token}`).toString('base64')}`;
  return `Bearer ${endpoint.token}`;
}

export function joinUrl(base: string, ...segments: string[]): string {
  return `${base.replace(/\/+$/, '')}/${segments.join('/')}`;
}

/** `owner/name` → its two parts, URL-encoded; undefined when the path has another shape. */
export function ownerAndName(repoPath: string): [string, string] | undefined {
  const parts = repoPath.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return [encodeURIComponent(parts[0]), encodeURIComponent(parts[1])];
}

export function ownerNameProblem(repoPath: string, host: string): string | undefined {
  return ownerAndName(repoPath) ? undefined : `${host} addresses a repository as owner/name, but the repo url's path is "${repoPath}"`;
}
