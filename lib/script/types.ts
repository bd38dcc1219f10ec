import type { Logger } from '../log/logger';

export type ScriptStream = 'stdout' | 'stderr';

/** One piece of the script's output as it arrived, decoded as UTF-8. */
export interface ScriptOutputChunk {
  stream: ScriptStream;
  text: string;
}

/**
 * A chunk of the kept output. `integralgit` marks text written by IntegralGit itself
 * (the truncation marker), never by the script.
 */
export interface KeptOutputChunk {
  stream: ScriptStream | 'integralgit';
  text: string;
}

export interface RunScriptOptions {
  /** `script` from the repo config: relative to `location` (and inside it) or absolute */
  script: string;
  /** the working copy: the script's cwd */
  location: string;
  /** the complete environment, usually from buildScriptEnv (nothing is inherited) */
  env: Record<string, string>;
  /** seconds before the process group gets SIGTERM */
  timeoutSeconds: number;
  /** milliseconds between SIGTERM and SIGKILL; default 5000 */
  killGraceMs?: number;
  /** how much of the output tail `ScriptResult.output` keeps; default 1 MiB */
  maxOutputBytes?: number;
  /** every chunk as it arrives, in order (to stream to the log and the database) */
  onOutput?: (chunk: ScriptOutputChunk) => void;
  /** each output line is logged at info here, and stray processes at warn */
  logger?: Logger;
  /** values replaced by `***` in the output before anything sees it (allSecretValues(settings)) */
  secretValues?: Iterable<string>;
  /** where the script's process group is noted while it runs (scriptRecordDir(dataDir)), so a restart after kill -9 can end it */
  recordDir?: string;
  /** aborting terminates the script like a timeout (server shutdown) */
  signal?: AbortSignal;
}

export interface ScriptResult {
  /** the exit code, or null when the script was ended by a signal (or never started) */
  exitCode: number | null;
  /** the signal that ended the script, e.g. `SIGTERM`, or null */
  signal: string | null;
  /** true when the timeout ended the run */
  timedOut: boolean;
  /** true when `signal` (the AbortSignal) ended the run */
  aborted: boolean;
  /** true when processes of the script's group were still running after it exited and were killed */
  strayProcessesKilled: boolean;
  durationMs: number;
  /** the tail of the output in arrival order; starts with a marker chunk when earlier output was dropped */
  output: KeptOutputChunk[];
  /** bytes of output dropped from the start (not counting the marker) */
  truncatedBytes: number;
  /** the script's pid, which is also its process group id */
  pid?: number;
}
