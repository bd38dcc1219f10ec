import fs from 'node:fs';
import path from 'node:path';

export interface GitBinary {
  found: boolean;
  /** where it was found on PATH, e.g. "/usr/bin/git" */
  path?: string;
}

let cached: GitBinary | undefined;

/**
 * Whether a `git` binary is on this machine's PATH. It decides the default `git` backend
 * (native when found, isomorphic otherwise), so it is checked once per process. A PATH
 * lookup, not `git --version`: every CLI command loads the settings, and a process spawn
 * was a tenth of `integralgit status`'s start-up; a git that is found but does not run
 * fails the first fetch with git's own message.
 */
export function detectGitBinary(opts: { refresh?: boolean; env?: NodeJS.ProcessEnv } = {}): GitBinary {
  if (cached && !opts.refresh) return cached;
  cached = { found: false };
  for (const dir of (opts.env ?? process.env).PATH?.split(path.delimiter) ?? []) {
    if (!dir) continue;
    const file = path.join(dir, process.platform === 'win32' ? 'git.exe' : 'git');
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) {
        cached = { found: true, path: file };
        break;
      }
    } catch {
      // not in this PATH entry
    }
  }
  return cached;
}
