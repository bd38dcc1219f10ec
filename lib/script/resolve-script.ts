import fs from 'node:fs';
import path from 'node:path';
import { IntegralGitError } from '../errors';

const CHECK_CONFIG = 'check `script` in the repo config on the integralgit branch';

/**
 * The absolute path of the script: a relative `script` is taken from `location` and must
 * stay inside it (`../../bin/x` is refused: use an absolute path for a script elsewhere).
 * Pure path arithmetic: nothing is read from the disk.
 */
export function resolveScriptPath(script: string, location: string): string {
  if (typeof script !== 'string' || script.trim() === '' || script.includes('\0')) {
    throw new IntegralGitError('IG_CONFIG_INVALID', `config \`script\` ${JSON.stringify(script)} is not a usable path; ${CHECK_CONFIG}`, {
      key: 'script',
    });
  }
  if (path.isAbsolute(script)) return path.resolve(script);
  const root = path.resolve(location);
  const file = path.resolve(root, script);
  const rel = path.relative(root, file);
  if (rel === '' || rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel)) {
    throw new IntegralGitError(
      'IG_CONFIG_INVALID',
      `config \`script\` ${JSON.stringify(script)} resolves to ${file}, outside the location ${root}: a relative script must stay inside \`location\` (write an absolute path for a script elsewhere)`,
      { key: 'script', script, file, location: root },
    );
  }
  return file;
}

const SHEBANG = Buffer.from('#!');
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/**
 * Refuses, with the fix, what would otherwise fail obscurely at spawn. The shebang check
 * matters because glibc's execvp runs a file without one through /bin/sh instead of
 * failing with ENOEXEC: a bash script would then half-work under dash.
 */
export function checkScriptRunnable(file: string, script: string, location: string): void {
  const data = { script, file, location };
  let locationStat: fs.Stats;
  try {
    locationStat = fs.statSync(location);
  } catch {
    throw new IntegralGitError('IG_SCRIPT_FAILED', `cannot run the deploy script: location ${location} does not exist`, data);
  }
  if (!locationStat.isDirectory()) {
    throw new IntegralGitError('IG_SCRIPT_FAILED', `cannot run the deploy script: location ${location} is not a directory`, data);
  }

  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw notExecutable(file, script, location);
    throw new IntegralGitError('IG_SCRIPT_FAILED', `deploy script ${script} not found: ${file} does not exist (${CHECK_CONFIG})`, {
      ...data,
      errno: code,
    });
  }
  if (stat.isDirectory()) {
    throw new IntegralGitError('IG_SCRIPT_FAILED', `deploy script ${script} is a directory (${file}), not an executable file (${CHECK_CONFIG})`, data);
  }
  if (!stat.isFile()) {
    throw new IntegralGitError('IG_SCRIPT_FAILED', `deploy script ${script} (${file}) is not a regular file (${CHECK_CONFIG})`, data);
  }
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    throw notExecutable(file, script, location);
  }

  let head: Buffer;
  try {
    head = readHead(file, SHEBANG_LINE_BYTES);
  } catch {
    return; // execute-only binaries cannot be read; exec will judge them
  }
  if (!head.subarray(0, 2).equals(SHEBANG) && !head.subarray(0, 4).equals(ELF_MAGIC)) {
    throw new IntegralGitError(
      'IG_SCRIPT_FAILED',
      `deploy script ${script} (${file}) has no shebang line, so the system cannot tell which interpreter runs it: make its first line e.g. \`#!/bin/sh\` or \`#!/usr/bin/env bash\` and commit`,
      data,
    );
  }
  if (head.subarray(0, 2).equals(SHEBANG)) checkInterpreter(shebangLine(head), file, script, location);
}

/**
 * The interpreter is checked here rather than left to exec: a script started behind its
 * group's note (script-parent.ts) is exec'd by a shell, which reports a failed exec only
 * as exit code 127 and a line in the log.
 */
function checkInterpreter(shebang: string, file: string, script: string, location: string): void {
  const interpreter = shebang.slice(2).trim().split(/\s+/)[0];
  if (!interpreter || !path.isAbsolute(interpreter)) return; // exec will judge it
  let problem: string | undefined;
  try {
    if (!fs.statSync(interpreter).isFile()) problem = 'is not a file';
    else fs.accessSync(interpreter, fs.constants.X_OK);
  } catch (err) {
    problem = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist on this host' : 'is not executable by the server\'s user';
  }
  if (problem) {
    throw new IntegralGitError('IG_SCRIPT_FAILED', `deploy script ${script} could not start: the interpreter in its first line \`${shebang}\` ${problem}`, {
      script,
      file,
      location,
      interpreter,
    });
  }
}

export function notExecutable(file: string, script: string, location: string): IntegralGitError {
  return new IntegralGitError(
    'IG_SCRIPT_FAILED',
    `deploy script ${script} (${file}) is not executable by the server's user: chmod +x it and commit the mode (git update-index --chmod=+x ${script})`,
    { script, file, location, errno: 'EACCES' },
  );
}

/** Enough of a file for its `#!` line (the kernel itself reads at most 256 bytes of it). */
const SHEBANG_LINE_BYTES = 256;

function shebangLine(head: Buffer): string {
  return head.toString('utf8').split('\n')[0].trim();
}

function readHead(file: string, length: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    const n = fs.readSync(fd, buf, 0, length, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** The script's `#!` line, for messages about a missing interpreter. */
export function readShebang(file: string): string | undefined {
  try {
    const head = readHead(file, SHEBANG_LINE_BYTES);
    return head.subarray(0, 2).equals(SHEBANG) ? shebangLine(head) : undefined;
  } catch {
    return undefined;
  }
}
