import { IntegralGitError } from '../../errors';
import type { RunAs } from '../../settings/types';
import { runProcess } from './spawn-helper';

/**
 * Run the system git asynchronously with an argument array (never a shell). stdout is
 * kept whole (callers parse it); stderr is kept bounded for error messages. The process is
 * started by a small helper process when it is up (spawn-helper.ts: spawning from the
 * server itself blocks it for several ms per command).
 */
export interface RunGitOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  input?: string | Buffer;
  /** exit codes that are answers rather than failures (e.g. 1 for `rev-parse --verify -q`) */
  okCodes?: number[];
  /** kill git (TERM, then KILL 2 s later) and fail after this long */
  timeoutMs?: number;
  /** run as the repo's `runAs` user (HOME set to theirs, so git reads their config, not the server's) */
  runAs?: RunAs;
}

export interface RunGitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number | null,
    readonly stderr: string,
    readonly timedOut = false,
  ) {
    super(`git ${args.join(' ')} failed (${timedOut ? 'timed out' : code === null ? 'killed' : `exit ${code}`}): ${lastLines(stderr)}`);
    this.name = 'GitCommandError';
  }
}

export async function runGit(args: string[], opts: RunGitOptions): Promise<RunGitResult> {
  const as = opts.runAs;
  const env = as ? { ...opts.env, HOME: as.home, USER: as.user, LOGNAME: as.user } : opts.env;
  const res = await runProcess('git', args, { cwd: opts.cwd, env, input: opts.input, timeoutMs: opts.timeoutMs, uid: as?.uid, gid: as?.gid });
  if (res.spawnError) {
    if (as && res.spawnError.code === 'EPERM') {
      throw new IntegralGitError('IG_PRIVILEGES_MISSING', `git cannot run as ${as.user}:${as.group} (runAs): the server lacks CAP_SETUID/CAP_SETGID; run it as root (packaging/systemd/runas.conf)`, {
        user: as.user,
      });
    }
    if (res.spawnError.code !== 'ENOENT') throw new Error(`could not start git: ${res.spawnError.message}`);
    throw new IntegralGitError(
      'IG_SETTINGS_INVALID',
      'the native git backend needs the `git` command, which is not on PATH: install git, or set `"git": "isomorphic"` in the server settings',
      { path: process.env.PATH },
    );
  }
  const { code, stdout, stderr, timedOut } = res;
  if (!timedOut && (code === 0 || (code !== null && opts.okCodes?.includes(code)))) return { code, stdout, stderr };
  throw new GitCommandError(args, code, timedOut ? `${stderr}\ntimed out after ${Math.round((opts.timeoutMs ?? 0) / 1000)} s` : stderr, timedOut);
}

export function lastLines(text: string, n = 4): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(-n)
    .join(' / ');
}
