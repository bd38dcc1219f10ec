import { ChildProcess, ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

/**
 * Starting a process from Node blocks the event loop for a time that grows with the
 * parent's memory (libuv forks the whole process before exec): measured here about 1 ms
 * from a bare node of 46 MB, 5 ms from the 90 MB server, 8 ms at 140 MB, 19 ms at 200 MB.
 * A deployment runs several git commands, so the server hands them to a small helper
 * process (a bare node, started once, in the background) that spawns them and sends back
 * what they printed. Until the helper is up, or if it fails, commands are spawned directly.
 *
 * Only a long-lived process turns it on (enableSpawnHelper: the server): a CLI command runs a
 * git command or two from a small process, where the helper's own node start-up (~100 ms of
 * CPU) would cost more than it saves.
 *
 * The helper ignores SIGINT/SIGTERM/SIGHUP (a Ctrl-C or a service stop reaches the whole
 * process group; the server still needs git while it finishes a deployment) and exits when
 * its parent does: the IPC channel closing is its only way out.
 */
export interface ProcessRequest {
  cwd: string;
  env: NodeJS.ProcessEnv;
  input?: string | Buffer;
  /** TERM, then KILL 2 s later, after this long */
  timeoutMs?: number;
  /** run as this user and group (a repo's `runAs`; supplementary groups are cleared by libuv) */
  uid?: number;
  gid?: number;
}

export interface ProcessResult {
  /** null when killed by a signal, or when the process could not be started */
  code: number | null;
  stdout: Buffer;
  /** the last STDERR_CAP characters */
  stderr: string;
  timedOut: boolean;
  /** set when the process could not be started (e.g. ENOENT: not on PATH) */
  spawnError?: { code?: string; message: string };
}

export const STDERR_CAP = 64 * 1024;

/** The helper's whole program (run with `node -e`, so it needs no file of its own in dist/ or under ts-jest). */
const HELPER_SOURCE = `
'use strict';
const { spawn } = require('node:child_process');
const CAP = ${STDERR_CAP};
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
process.on('disconnect', () => process.exit(0));
process.on('message', (m) => {
  let sent = false;
  // the parent may have exited meanwhile (a CLI run that ended): a reply to nobody is dropped, never an EPIPE stack trace
  const reply = (r) => { if (!sent && process.connected) { sent = true; process.send(Object.assign({ id: m.id }, r), () => {}); } };
  let child;
  try {
    child = spawn(m.cmd, m.args, { cwd: m.cwd, env: m.env, uid: m.uid, gid: m.gid, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    return reply({ code: null, stdout: Buffer.alloc(0), stderr: '', timedOut: false, spawnError: { code: e.code, message: e.message } });
  }
  const out = [];
  let err = '';
  let timedOut = false;
  child.stdout.on('data', (c) => out.push(c));
  child.stderr.on('data', (c) => { err += c.toString('utf8'); if (err.length > CAP) err = err.slice(-CAP); });
  child.on('error', (e) => { if (child.pid === undefined) reply({ code: null, stdout: Buffer.alloc(0), stderr: '', timedOut: false, spawnError: { code: e.code, message: e.message } }); });
  child.stdin.on('error', () => {});
  child.stdin.end(m.input === undefined ? '' : m.input);
  const timer = m.timeoutMs ? setTimeout(() => { timedOut = true; child.kill('SIGTERM'); setTimeout(() => child.kill('SIGKILL'), 2000).unref(); }, m.timeoutMs) : undefined;
  child.on('close', (code) => { clearTimeout(timer); reply({ code, stdout: Buffer.concat(out), stderr: err, timedOut }); });
});
process.on('error', () => {});
process.send({ hello: true }, () => {});
`;

interface Pending {
  resolve: (r: ProcessResult) => void;
  reject: (e: Error) => void;
}

class SpawnHelper {
  enabled = false;
  private child: ChildProcess | null = null;
  private ready = false;
  private broken = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** Run through the helper when it is up; null when the caller should spawn directly. */
  run(cmd: string, args: string[], req: ProcessRequest): Promise<ProcessResult> | null {
    if (!this.enabled) return null;
    if (!this.ready || !this.child?.connected) {
      this.start();
      return null;
    }
    const id = this.nextId++;
    const child = this.child;
    return new Promise<ProcessResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) child.channel?.ref();
      child.send({ id, cmd, args, cwd: req.cwd, env: req.env, input: req.input, timeoutMs: req.timeoutMs, uid: req.uid, gid: req.gid }, (err) => {
        if (err) this.settle(id, (p) => p.reject(err));
      });
    });
  }

  private start(): void {
    if (this.child || this.broken) return;
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, ['-e', HELPER_SOURCE], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced', env: helperEnv() });
    } catch {
      this.broken = true;
      return;
    }
    this.child = child;
    child.unref();
    child.channel?.unref();
    child.on('message', (m: (ProcessResult & { id: number }) | { hello: true }) => {
      // commands go to the helper only once it says it listens: until then (node's start-up,
      // some 40 ms) they are spawned directly rather than queued behind it
      if ('hello' in m) {
        this.ready = true;
        return;
      }
      const stdout = Buffer.from(m.stdout.buffer, m.stdout.byteOffset, m.stdout.byteLength);
      this.settle(m.id, (p) => p.resolve({ code: m.code, stdout, stderr: m.stderr, timedOut: m.timedOut, spawnError: m.spawnError }));
    });
    const gone = (): void => {
      if (this.child !== child) return;
      this.child = null;
      this.ready = false;
      for (const id of [...this.pending.keys()]) this.settle(id, (p) => p.reject(new Error('the git helper process exited')));
    };
    child.on('exit', gone);
    child.on('error', () => {
      // could not start node itself: spawn directly from now on
      this.broken = true;
      gone();
    });
  }

  private settle(id: number, fn: (p: Pending) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.child?.channel?.unref();
    fn(p);
  }
}

/** Nothing from the parent that would make the helper load code (NODE_OPTIONS=-r …) or print. */
function helperEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

const helper = new SpawnHelper();

/** From now on, commands go through the helper once it is up (it starts with the first command). */
export function enableSpawnHelper(): void {
  helper.enabled = true;
}

/** Run `cmd` (argument array, never a shell) and collect what it prints. Never rejects for an exit code. */
export async function runProcess(cmd: string, args: string[], req: ProcessRequest): Promise<ProcessResult> {
  const viaHelper = helper.run(cmd, args, req);
  if (viaHelper) {
    try {
      return await viaHelper;
    } catch (err) {
      // the helper died with the command in flight: its outcome is unknown, say so like git would
      return { code: null, stdout: Buffer.alloc(0), stderr: `${(err as Error).message} while running ${cmd}`, timedOut: false };
    }
  }
  return spawnDirect(cmd, args, req);
}

export function spawnDirect(cmd: string, args: string[], req: ProcessRequest): Promise<ProcessResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: ProcessResult): void => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(cmd, args, { cwd: req.cwd, env: req.env, uid: req.uid, gid: req.gid, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      // EPERM from setuid/setgid is thrown synchronously, not emitted
      done({ code: null, stdout: Buffer.alloc(0), stderr: '', timedOut: false, spawnError: { code: (e as NodeJS.ErrnoException).code, message: (e as Error).message } });
      return;
    }
    const out: Buffer[] = [];
    let err = '';
    let timedOut = false;
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString('utf8');
      if (err.length > STDERR_CAP) err = err.slice(-STDERR_CAP);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (child.pid === undefined) done({ code: null, stdout: Buffer.alloc(0), stderr: '', timedOut: false, spawnError: { code: e.code, message: e.message } });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(req.input ?? '');
    const timer = req.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 2000).unref();
        }, req.timeoutMs)
      : undefined;
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout: Buffer.concat(out), stderr: err, timedOut });
    });
  });
}
