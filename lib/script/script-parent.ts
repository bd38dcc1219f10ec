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
const fs = require('node:fs');
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
let child;
let graceMs = 5000;
const send = (m, then) => { if (process.connected) process.send(m, () => then && then()); else if (then) then(); };
// Written here, not by the server on our word that the script started: a server killed
// (with its process group, so with us) between the two would leave a script nobody notes,
// and its retry would run alongside it. And written before the script runs a line: the
// group leader is a shell that waits on GATE (fd 3) until the note is on disk, then execs
// the script; if we die first, it reads EOF and exits without running it. No fsync: the
// note guards against the server's death, not the machine's, which ends the script too
// (and changes the boot id). One small write(2) is not torn by a kill.
const GATE = 'IFS= read -r _ <&3 || exit 125; exec "$0" 3<&-';
const noteGroup = (r, pid) => {
  let start;
  try {
    const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
    start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {}
  fs.mkdirSync(r.dir, { recursive: true });
  fs.writeFileSync(r.dir + '/' + pid + '.json', JSON.stringify({ pgid: pid, start, boot: r.boot, script: r.script, location: r.location }));
};
const groupAlive = (pid) => { try { process.kill(-pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
process.on('message', (m) => {
  graceMs = m.graceMs;
  const gated = Boolean(m.record);
  const options = { cwd: m.cwd, env: m.env, uid: m.uid, gid: m.gid, detached: true, shell: false, stdio: ['ignore', 'inherit', 'inherit', gated ? 'pipe' : 'ignore'] };
  try {
    child = gated ? spawn('/bin/sh', ['-c', GATE, m.file], options) : spawn(m.file, [], options);
  } catch (e) {
    return send({ spawnError: { code: e.code, message: e.message } }, () => process.exit(0));
  }
  child.once('error', (e) => { if (child.pid === undefined) send({ spawnError: { code: e.code, message: e.message } }, () => process.exit(0)); });
  if (child.pid !== undefined && gated) {
    try {
      noteGroup(m.record, child.pid);
    } catch (e) {
      try { process.kill(-child.pid, 'SIGKILL'); } catch {}
      return send({ spawnError: { message: 'its process group could not be noted in ' + m.record.dir + ' (' + e.message + '): check that the data dir is writable and not full' } }, () => process.exit(0));
    }
    child.stdio[3].on('error', () => {}); // a gate closed by a killed shell: its exit tells
    child.stdio[3].end('go\\n');
  }
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

/**
 * How long a parent started ahead of need waits to be used. node's start-up is tens of ms
 * on a small host (hundreds under load), most of the time from the last git process to the
 * script's first line; a deployment starts one before its fetch, so that start-up overlaps
 * the network instead of following it. Unused, it is ended: an idle node costs ~30 MB.
 */
const SPARE_IDLE_MS = 30_000;

interface Spare {
  parent: ScriptParent;
  timer: NodeJS.Timeout;
}

let spare: Spare | null = null;

/**
 * Start a script parent now for a script about to run (a no-op when one is waiting). It
 * holds nothing of the script's yet: the file, directory, environment and user arrive with
 * startScriptParent. It never keeps a process (the CLI) from exiting, and ends with it.
 */
export function warmScriptParent(): void {
  if (spare && isUsable(spare.parent)) return;
  if (spare) discardSpare();
  let parent: ScriptParent;
  try {
    parent = spawnParent('/');
  } catch {
    return; // the script's own start reports what is wrong
  }
  setReferenced(parent.process, false);
  const timer = setTimeout(discardSpare, SPARE_IDLE_MS);
  timer.unref();
  spare = { parent, timer };
}

/** The waiting parent's pid, if one waits (tests, and the bench's trace). */
export function spareScriptParentPid(): number | undefined {
  return spare && isUsable(spare.parent) ? spare.parent.process.pid : undefined;
}

/** End the waiting parent, if any (it idled out, or the server stops). */
export function endSpareScriptParent(): void {
  discardSpare();
}

function discardSpare(): void {
  if (!spare) return;
  clearTimeout(spare.timer);
  const p = spare.parent.process;
  spare = null;
  // it ignores SIGTERM (meant for the server's group): closing its channel is what ends it
  if (p.connected) p.disconnect();
  else p.kill('SIGKILL');
}

/** What the script's parent writes before the script runs (script-records.ts reads it back). */
export interface ScriptGroupNote {
  dir: string;
  boot?: string;
  script: string;
  location: string;
}

/**
 * `as`: the script's user and group (a repo's `runAs`); libuv also clears its supplementary
 * groups. With `record`, the script runs only once its group is noted there.
 */
export function startScriptParent(
  file: string,
  cwd: string,
  env: Record<string, string>,
  graceMs: number,
  as?: { uid: number; gid: number },
  record?: ScriptGroupNote,
): ScriptParent {
  let parent: ScriptParent;
  if (spare && isUsable(spare.parent)) {
    clearTimeout(spare.timer);
    parent = spare.parent;
    spare = null;
    setReferenced(parent.process, true);
  } else {
    if (spare) discardSpare();
    parent = spawnParent(cwd);
  }
  parent.process.send({ file, cwd, env, graceMs, uid: as?.uid, gid: as?.gid, record }, () => undefined);
  return parent;
}

/** Still running and listening: a spare that died idle (OOM killer, a signal) is replaced, never handed a script. */
function isUsable(parent: ScriptParent): boolean {
  const p = parent.process;
  return p.exitCode === null && p.signalCode === null && p.connected;
}

/** An idle spare must not hold the event loop open; one in use must, until the script ends. */
function setReferenced(p: ChildProcess, on: boolean): void {
  const handles: Array<{ ref?: () => void; unref?: () => void } | null | undefined> = [p, p.channel, p.stdout as unknown as { ref(): void; unref(): void }, p.stderr as unknown as { ref(): void; unref(): void }];
  for (const h of handles) (on ? h?.ref : h?.unref)?.call(h);
}

function spawnParent(cwd: string): ScriptParent {
  const parent = spawn(process.execPath, ['-e', SOURCE], { cwd, env: {}, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let onStarted!: (pid: number) => void;
  let onStartFailed!: (err: Error) => void;
  const started = new Promise<number>((resolve, reject) => {
    onStarted = resolve;
    onStartFailed = reject;
  });
  // a spare that dies unused rejects nobody's promise
  started.catch(() => undefined);
  let onExit!: (e: { code: number | null; signal: NodeJS.Signals | null }) => void;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => (onExit = resolve));
  parent.on('message', (m: { started?: number; spawnError?: { code?: string; message: string }; exit?: { code: number | null; signal: NodeJS.Signals | null } }) => {
    if (m.started !== undefined) onStarted(m.started);
    if (m.spawnError) onStartFailed(Object.assign(new Error(m.spawnError.message), { code: m.spawnError.code }));
    if (m.exit) onExit(m.exit);
  });
  parent.once('error', (err) => onStartFailed(err));
  parent.once('exit', (code, signal) => {
    const ended = (): void => {
      onStartFailed(new Error(`the script's parent process ended before the script started (code ${code}, signal ${signal})`));
      onExit({ code, signal });
    };
    // its last messages (started, exit, a spawn error) can still wait in the channel when a
    // busy event loop sees the exit first: they settle the promises, this only what is left
    if (parent.connected) parent.once('disconnect', ended);
    else ended();
  });
  parent.on('error', () => undefined); // a later failure shows as the exit
  return { process: parent, started, exited };
}
