import { spawnSync } from 'node:child_process';

export interface GitBinary {
  found: boolean;
  /** e.g. "git version 2.43.0" */
  version?: string;
}

let cached: GitBinary | undefined;

/**
 * Whether a `git` binary runs on this machine. It decides the default `git` backend
 * (native when found, isomorphic otherwise), so it is checked once per process.
 */
export function detectGitBinary(opts: { refresh?: boolean } = {}): GitBinary {
  if (cached && !opts.refresh) return cached;
  const r = spawnSync('git', ['--version'], { encoding: 'utf8', timeout: 10_000, windowsHide: true });
  cached = r.status === 0 && !r.error ? { found: true, version: r.stdout.trim() } : { found: false };
  return cached;
}
