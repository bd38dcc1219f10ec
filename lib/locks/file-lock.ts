import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IntegralGitError } from '../errors';

const REFRESH_MS = 10_000;
const STALE_MS = 60_000;

/**
 * One lock per working copy, across processes: a CLI `trigger` while the server deploys
 * waits for it (or fails clearly after `waitMs`), never writes beside it. The lock file
 * lives under dataDir, keyed by the location's path, so it works before the location exists.
 */
export async function withWorkingCopyLock<T>(
  dataDir: string,
  location: string,
  opts: { waitMs: number; onWait?: (holder: string) => void },
  fn: () => Promise<T>,
): Promise<T> {
  const dir = path.join(dataDir, 'locks');
  fs.mkdirSync(dir, { recursive: true });
  const key = crypto.createHash('sha256').update(path.resolve(location)).digest('hex').slice(0, 24);
  return withFileLock(path.join(dir, `${key}.lock`), { ...opts, what: `another deployment of ${location}` }, fn);
}

/**
 * A cross-process lock file holding its owner's pid, touched while held. A lock whose
 * owner died (kill -9, power cut) is taken over at once when its pid is gone, or after a
 * minute without a touch (a reused pid), so a restart after a crash never waits on a ghost.
 */
export async function withFileLock<T>(
  file: string,
  opts: { waitMs: number; what: string; onWait?: (holder: string) => void },
  fn: () => Promise<T>,
): Promise<T> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const location = opts.what;
  const deadline = Date.now() + opts.waitMs;
  let told = false;
  while (!tryAcquire(file, location)) {
    const holder = readHolder(file);
    if (holder && isStale(file, holder.pid)) {
      takeOver(file, holder.pid);
      continue;
    }
    if (!told) {
      opts.onWait?.(holder ? `${holder.host} pid ${holder.pid}` : 'another process');
      told = true;
    }
    if (Date.now() > deadline) {
      throw new IntegralGitError(
        'IG_LOCKED',
        `${opts.what} is still running (${holder ? `${holder.host} pid ${holder.pid}` : 'lock'} in ${file}); try again when it has finished`,
        { lockFile: file },
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const timer = setInterval(() => {
    const now = new Date();
    fs.utimes(file, now, now, () => undefined);
  }, REFRESH_MS);
  timer.unref();
  try {
    return await fn();
  } finally {
    clearInterval(timer);
    const holder = readHolder(file);
    if (holder && holder.pid === process.pid) fs.rmSync(file, { force: true });
  }
}

function tryAcquire(file: string, what: string): boolean {
  try {
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, host: os.hostname(), what, since: new Date().toISOString() }), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function readHolder(file: string): { pid: number; host: string } | undefined {
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: unknown; host?: unknown };
    return typeof data.pid === 'number' ? { pid: data.pid, host: String(data.host ?? '?') } : undefined;
  } catch {
    return undefined;
  }
}

function isStale(file: string, pid: number): boolean {
  try {
    if (Date.now() - fs.statSync(file).mtimeMs > STALE_MS) return true;
  } catch {
    return false;
  }
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Rename is atomic: of two processes taking over the same stale lock, only one succeeds. */
function takeOver(file: string, deadPid: number): void {
  // re-read right before: another process may have taken over and locked meanwhile
  if (readHolder(file)?.pid !== deadPid) return;
  const grave = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    fs.renameSync(file, grave);
    fs.rmSync(grave, { force: true });
  } catch {
    /* someone else took it over first */
  }
}
