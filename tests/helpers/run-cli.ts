import path from 'node:path';
import { execFile } from 'node:child_process';

const BIN = path.resolve(__dirname, '../../bin/integralgit.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real `integralgit` binary as a subprocess (spawned asynchronously: the git fixture's HTTP server lives in this process). */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; uid?: number; gid?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: opts.cwd, uid: opts.uid, gid: opts.gid, env: { ...process.env, ...(opts.env ?? {}) }, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
