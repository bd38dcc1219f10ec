import { spawn } from 'node:child_process';
import { IntegralGitError } from '../errors';

/**
 * Run the system git asynchronously with an argument array (never a shell). stdout is
 * kept whole (callers parse it); stderr is kept bounded for error messages.
 */
export interface RunGitOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  input?: string | Buffer;
  /** exit codes that are answers rather than failures (e.g. 1 for `rev-parse --verify -q`) */
  okCodes?: number[];
  /** kill git (TERM, then KILL 2 s later) and fail after this long */
  timeoutMs?: number;
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

const STDERR_CAP = 64 * 1024;

export function runGit(args: string[], opts: RunGitOptions): Promise<RunGitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString('utf8');
      if (err.length > STDERR_CAP) err = err.slice(-STDERR_CAP);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') return reject(e);
      reject(
        new IntegralGitError(
          'IG_SETTINGS_INVALID',
          'the native git backend needs the `git` command, which is not on PATH: install git, or set `"git": "isomorphic"` in the server settings',
          { path: process.env.PATH },
        ),
      );
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 2000).unref();
        }, opts.timeoutMs)
      : undefined;
    child.on('close', (code) => {
      clearTimeout(timer);
      const result = { code: code ?? -1, stdout: Buffer.concat(out), stderr: err };
      if (!timedOut && (code === 0 || (code !== null && opts.okCodes?.includes(code)))) resolve(result);
      else reject(new GitCommandError(args, code, timedOut ? `${err}\ntimed out after ${Math.round((opts.timeoutMs ?? 0) / 1000)} s` : err, timedOut));
    });
  });
}

export function lastLines(text: string, n = 4): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(-n)
    .join(' / ');
}
