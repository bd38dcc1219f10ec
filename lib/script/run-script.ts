import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { IntegralGitError } from '../errors';
import { checkScriptRunnable, notExecutable, readShebang, resolveScriptPath } from './resolve-script';
import { OutputTail } from './output-tail';
import { LineBuffer } from './line-buffer';
import { isGroupAlive, liveGroupMembers, signalGroup, waitForGroupExit } from './process-group';
import type { RunScriptOptions, ScriptResult, ScriptStream } from './types';
import { startScriptParent } from './script-parent';
import { SecretMasker } from './mask-secrets';
import { clearScriptGroup, scriptGroupNote } from './script-records';
import { tracePhase } from '../trace/phase-trace';

export type { RunScriptOptions, ScriptResult, ScriptOutputChunk, KeptOutputChunk, ScriptStream } from './types';

const DEFAULT_KILL_GRACE_MS = 5000;
const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
/** How long SIGKILLed processes get to disappear before the run ends anyway. */
const AFTER_KILL_WAIT_MS = 2000;
/**
 * Once the group is gone, how long the pipes get to deliver what is left in them. Only
 * a process outside the group (setsid) that kept the script's stdout can hold them
 * open longer; the run does not wait for it.
 */
const DRAIN_MS = 1000;
/** setTimeout fires at once beyond this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs the deploy script (SPEC §4.4): cwd `location`, exactly `env`, no shell and no
 * arguments, output kept as a bounded tail and streamed through `onOutput`; at
 * `timeoutSeconds` (or on abort) the whole process group gets SIGTERM, then SIGKILL
 * after the grace. Processes the script left running in its group are killed too.
 * The script's parent is a helper started with an empty environment (script-parent.ts
 * says why); its output is masked for `secretValues`; its group is noted in `recordDir`.
 *
 * Resolves with the result whatever the exit status; rejects with an IntegralGitError
 * when the script cannot start (missing, not executable, no shebang, bad path).
 */
export async function runScript(opts: RunScriptOptions): Promise<ScriptResult> {
  if (!(typeof opts.timeoutSeconds === 'number' && opts.timeoutSeconds > 0)) {
    throw new IntegralGitError('IG_CONFIG_INVALID', `config \`timeout\` must be a positive number of seconds (got ${String(opts.timeoutSeconds)})`, {
      key: 'timeout',
    });
  }
  const location = path.resolve(opts.location);
  const file = resolveScriptPath(opts.script, location);
  checkScriptRunnable(file, opts.script, location);

  const logger = opts.logger;
  const graceMs = Math.max(0, opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
  const tail = new OutputTail(Math.max(0, opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES));
  const base = { strayProcessesKilled: false, output: [], truncatedBytes: 0 };
  if (opts.signal?.aborted) {
    return { ...base, exitCode: null, signal: null, timedOut: false, aborted: true, durationMs: 0 };
  }

  const started = performance.now();
  tracePhase('script handed to its parent', location);
  const parent = startScriptParent(file, location, opts.env, graceMs, opts.runAs, opts.recordDir ? scriptGroupNote(opts.recordDir, opts.script, location) : undefined);
  const child = parent.process;
  const exited = parent.exited;

  let onOutputFailed = false;
  const emit = (stream: ScriptStream, text: string, lines: LineBuffer | undefined): void => {
    if (text === '') return;
    tail.push(stream, text);
    lines?.push(text);
    if (opts.onOutput && !onOutputFailed) {
      try {
        opts.onOutput({ stream, text });
      } catch (err) {
        onOutputFailed = true;
        logger?.warn(`script output listener failed, further output is only kept in the result: ${String(err)}`);
      }
    }
  };
  const streamsClosed = Promise.all([
    pump(child.stdout as Readable, 'stdout', emit, logger, new SecretMasker(opts.secretValues ?? [])),
    pump(child.stderr as Readable, 'stderr', emit, logger, new SecretMasker(opts.secretValues ?? [])),
  ]);

  let pid: number;
  try {
    pid = await parent.started;
    tracePhase('script started (parent reported)', location);
  } catch (err) {
    child.stdout?.destroy();
    child.stderr?.destroy();
    child.kill('SIGKILL');
    throw startError(err, file, opts.script, location, opts.runAs);
  }
  logger?.debug(`deploy script ${file} started in ${location}`, { pid });

  let hasExited = false;
  let timedOut = false;
  let aborted = false;
  let terminating: Promise<void> | undefined;
  const terminate = (): Promise<void> => (terminating ??= terminateGroup(pid, graceMs, logger));

  const timer = setTimeout(
    () => {
      if (hasExited) return;
      timedOut = true;
      logger?.warn(`deploy script ${opts.script} ran past its timeout of ${opts.timeoutSeconds}s: terminating its process group`, { pid });
      void terminate();
    },
    Math.min(opts.timeoutSeconds * 1000, MAX_TIMER_MS),
  );
  const onAbort = (): void => {
    if (hasExited) return;
    aborted = true;
    logger?.warn(`deploy script ${opts.script} aborted: terminating its process group`, { pid });
    void terminate();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  // the output can arrive before the parent's word that the script started: an abort meanwhile counts
  if (opts.signal?.aborted) onAbort();

  try {
    const exit = await exited;
    hasExited = true;
    clearTimeout(timer);
    let strayProcessesKilled = false;
    if (terminating) {
      await terminating;
    } else if (isGroupAlive(pid)) {
      strayProcessesKilled = true;
      const pids = liveGroupMembers(pid);
      logger?.warn(
        `deploy script ${opts.script} exited but left processes running in its group${pids ? ` (pids ${pids.join(', ')})` : ''}: terminating them; start long-running services with systemctl or setsid instead of &`,
        { pid },
      );
      await terminate();
    }
    await drain(streamsClosed, child);
    if (opts.recordDir) clearScriptGroup(opts.recordDir, pid);
    return {
      exitCode: exit.code,
      signal: exit.signal,
      timedOut,
      aborted,
      strayProcessesKilled,
      durationMs: Math.round(performance.now() - started),
      output: tail.chunks(),
      truncatedBytes: tail.truncatedBytes,
      pid,
    };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** Decodes one pipe chunk by chunk (multi-byte characters split across chunks stay whole). */
function pump(
  stream: Readable,
  name: ScriptStream,
  emit: (stream: ScriptStream, text: string, lines: LineBuffer | undefined) => void,
  logger: RunScriptOptions['logger'],
  masker: SecretMasker,
): Promise<void> {
  const decoder = new StringDecoder('utf8');
  const lines = logger ? new LineBuffer((line) => logger.info(`script ${name}: ${line}`)) : undefined;
  stream.on('data', (buf: Buffer) => emit(name, masker.push(decoder.write(buf)), lines));
  return new Promise((resolve) => {
    stream.once('close', () => {
      emit(name, masker.push(decoder.end()) + masker.end(), lines);
      lines?.end();
      resolve();
    });
    stream.on('error', () => undefined); // a destroyed pipe is expected, see drain()
  });
}

async function drain(streamsClosed: Promise<unknown>, child: ChildProcess): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), DRAIN_MS);
  });
  const outcome = await Promise.race([streamsClosed, late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    child.stdout?.destroy();
    child.stderr?.destroy();
    await streamsClosed;
  }
}

async function terminateGroup(pgid: number, graceMs: number, logger: RunScriptOptions['logger']): Promise<void> {
  try {
    if (!signalGroup(pgid, 'SIGTERM')) return;
    if (await waitForGroupExit(pgid, graceMs)) return;
    logger?.warn(`deploy script's process group ${pgid} still running ${graceMs} ms after SIGTERM: sending SIGKILL`);
    if (!signalGroup(pgid, 'SIGKILL')) return;
    if (!(await waitForGroupExit(pgid, AFTER_KILL_WAIT_MS))) {
      logger?.warn(`processes of the deploy script's group ${pgid} are still alive after SIGKILL`, { pids: liveGroupMembers(pgid) });
    }
  } catch (err) {
    // EPERM: a member changed user (sudo); the service user cannot signal it.
    logger?.warn(`could not signal the deploy script's process group ${pgid}: ${String(err)}`);
  }
}

function startError(err: unknown, file: string, script: string, location: string, runAs?: RunScriptOptions['runAs']): IntegralGitError {
  if (err instanceof IntegralGitError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const data = { script, file, location, errno: code };
  if (runAs && code === 'EPERM') {
    return new IntegralGitError(
      'IG_PRIVILEGES_MISSING',
      `deploy script ${script} cannot run as ${runAs.user}:${runAs.group} (runAs): the server lacks CAP_SETUID/CAP_SETGID; run it as root (packaging/systemd/runas.conf)`,
      { ...data, user: runAs.user },
    );
  }
  if (code === 'EACCES') return notExecutable(file, script, location);
  if (code === 'ENOEXEC') {
    return new IntegralGitError('IG_SCRIPT_FAILED', `deploy script ${script} (${file}) has no shebang line or is not a program this system can run: make its first line e.g. \`#!/bin/sh\``, data);
  }
  if (code === 'ENOENT') {
    const shebang = readShebang(file);
    const what = shebang ? `the interpreter in its first line \`${shebang}\` does not exist on this host` : `${file} does not exist`;
    return new IntegralGitError('IG_SCRIPT_FAILED', `deploy script ${script} could not start: ${what}`, data);
  }
  return new IntegralGitError('IG_SCRIPT_FAILED', `deploy script ${script} (${file}) could not start: ${err instanceof Error ? err.message : String(err)}`, data);
}
