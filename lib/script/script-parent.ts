import { spawn, ChildProcess } from 'node:child_process';

/**
 * The deploy script's parent is not the server. A script can read its parent's initial
 * environment (`/proc/$PPID/environ`), and the server's holds the webhook secrets, git
 * tokens and passwords the settings read from env vars. So the server starts this small
 * node program with an EMPTY environment, hands it the script's own environment over IPC,
 * and it starts the script (in a process group of its own, stdout/stderr going straight
 * to the server's pipes) and reports the start and the exit.
 *
 * If the server dies (kill -9, OOM), the IPC channel closes and this parent ends the
 * script's group (TERM, then KILL after the grace): a script never runs on alongside the
 * retry of its deployment. It ignores SIGINT/SIGTERM/SIGHUP aimed at the server's process
 * group (a Ctrl-C, a service stop), as the server ends the script itself.
 */
const SOURCE = `
'use strict';
const { spawn } = require('node:child_process');
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
let child;
let graceMs = 5000;
const send = (m, then) => { if (process.connected) process.send(m, () => then && then()); else if (then) then(); };
const groupAlive = (pid) => { try { process.kill(-pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
process.on('message', (m) => {
  graceMs = m.graceMs;
  try {
    child = spawn(m.file, [], { cwd: m.cwd, env: m.env, detached: true, shell: false, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (e) {
    return send({ spawnError: { code: e.code, message: e.message } }, () => process.exit(0));
  }
  child.once('error', (e) => { if (child.pid === undefined) send({ spawnError: { code: e.code, message: e.message } }, () => process.exit(0)); });
  child.once('spawn', () => send({ started: child.pid }));
  child.once('exit', (code, signal) => send({ exit: { code, signal } }, () => process.exit(0)));
});
process.on('disconnect', () => {
  if (!child || child.pid === undefined) process.exit(0);
  const pid = child.pid;
  try { process.kill(-pid, 'SIGTERM'); } catch { process.exit(0); }
  const deadline = Date.now() + graceMs;
  const poll = setInterval(() => {
    if (!groupAlive(pid)) process.exit(0);
    if (Date.now() >= deadline) { try { process.kill(-pid, 'SIGKILL'); } catch {} process.exit(0); }
  }, 100);
});
`;

export interface ScriptParent {
  /** the parent process; its stdout/stderr carry the script's output */
  process: ChildProcess;
  /** the script's pid (which is its process group id) once it runs; rejects with the spawn error (an Error with `code`) */
  started: Promise<number>;
  /** the script's exit, or the parent's when it died first */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startScriptParent(file: string, cwd: string, env: Record<string, string>, graceMs: number): ScriptParent {
  const parent = spawn(process.execPath, ['-e', SOURCE], { cwd, env: {}, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let onStarted!: (pid: number) => void;
  let onStartFailed!: (err: Error) => void;
  const started = new Promise<number>((resolve, reject) => {
    onStarted = resolve;
    onStartFailed = reject;
  });
  let onExit!: (e: { code: number | null; signal: NodeJS.Signals | null }) => void;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => (onExit = resolve));
  parent.on('message', (m: { started?: number; spawnError?: { code?: string; message: string }; exit?: { code: number | null; signal: NodeJS.Signals | null } }) => {
    if (m.started !== undefined) onStarted(m.started);
    if (m.spawnError) onStartFailed(Object.assign(new Error(m.spawnError.message), { code: m.spawnError.code }));
    if (m.exit) onExit(m.exit);
  });
  parent.once('error', (err) => onStartFailed(err));
  parent.once('exit', (code, signal) => {
    onStartFailed(new Error(`the script's parent process ended before the script started (code ${code}, signal ${signal})`));
    onExit({ code, signal });
  });
  parent.on('error', () => undefined); // a later failure shows as the exit
  parent.send({ file, cwd, env, graceMs }, () => undefined);
  return { process: parent, started, exited };
}
