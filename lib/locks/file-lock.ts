import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IntegralGitError } from '../errors';
import { currentProcessIdentity, isSameProcessAlive } from '../process/process-identity';

const REFRESH_MS = 10_000;
const STALE_MS = 60_000;

/**
 * One lock per working copy, across processes: a CLI `trigger` while the server deploys
 * waits for it (or fails clearly after `waitMs`), never writes beside it. The lock belongs
 * to the location, not to a data dir: it lives beside it (`.<name>.integralgit-lock` in
 * its parent), so two servers with different data dirs serialise on one location too. It
 * works before the location exists. Where the parent cannot be written by this user, the
 * lock falls back to `<dataDir>/locks`, which covers every process sharing that data dir.
 */
export async function withWorkingCopyLock<T>(
  dataDir: string,
  location: string,
  opts: { waitMs: number; onWait?: (holder: string) => void },
  fn: () => Promise<T>,
): Promise<T> {
  return withFileLock(workingCopyLockFile(dataDir, location), { ...opts, what: `another deployment of ${location}` }, fn);
}

export function workingCopyLockFile(dataDir: string, location: string): string {
  const canonical = canonicalPath(location);
  const parent = path.dirname(canonical);
  try {
    fs.mkdirSync(parent, { recursive: true });
    fs.accessSync(parent, fs.constants.W_OK);
    return path.join(parent, `.${path.basename(canonical)}.integralgit-lock`);
  } catch {
    const key = crypto.createHash('sha256').update(canonical).digest('hex').slice(0, 24);
    return path.join(dataDir, 'locks', `${key}.lock`);
  }
}

/** The real path of the nearest existing ancestor plus the rest: locations that meet through a symlink share a lock. */
function canonicalPath(location: string): string {
  let dir = path.resolve(location);
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(dir), ...rest.reverse());
    } catch {
      const parent = path.dirname(dir);
      if (parent === dir) return path.resolve(location);
      rest.push(path.basename(dir));
      dir = parent;
    }
  }
}

/**
 * A cross-process lock file holding its owner's identity (pid, start time, boot id),
 * touched while held. A lock whose owner died (kill -9, power cut) is taken over at once
 * when that process is gone, even when its pid came back (pid 1 in a container restarted
 * after an OOM kill is another process than the pid 1 that wrote the lock), so a restart
 * after a crash never waits on a ghost.
 */
export async function withFileLock<T>(
  file: string,
  opts: { waitMs: number; what: string; onWait?: (holder: string) => void },
  fn: () => Promise<T>,
): Promise<T> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const deadline = Date.now() + opts.waitMs;
  let told = false;
  let token: string | undefined;
  while (!(token = tryAcquire(file, opts.what))) {
    const holder = readHolder(file);
    if (isStale(file, holder)) {
      takeOver(file, holder?.token);
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
  const release = keepFresh(file, token);
  try {
    return await fn();
  } finally {
    release();
  }
}

/**
 * Take the lock now or fail (no waiting), and hold it until the returned release is
 * called: `serve` holds one on its data dir so two servers never share a queue.
 */
export function holdFileLock(file: string, what: string): () => void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    const token = tryAcquire(file, what);
    if (token) return keepFresh(file, token);
    const holder = readHolder(file);
    if (!isStale(file, holder)) {
      throw new IntegralGitError('IG_LOCKED', `${what} (${holder ? `${holder.host} pid ${holder.pid}` : 'lock'} in ${file}); stop it first, or give this one another dataDir`, {
        lockFile: file,
      });
    }
    takeOver(file, holder?.token);
  }
  throw new IntegralGitError('IG_LOCKED', `could not take the lock ${file}`, { lockFile: file });
}

function keepFresh(file: string, token: string): () => void {
  const timer = setInterval(() => {
    const now = new Date();
    fs.utimes(file, now, now, () => undefined);
  }, REFRESH_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (readHolder(file)?.token === token) fs.rmSync(file, { force: true });
  };
}

/**
 * Written under a temporary name and linked into place: the lock file is never seen empty.
 * Returns the token naming this acquisition, or undefined when the lock is held.
 */
function tryAcquire(file: string, what: string): string | undefined {
  const token = crypto.randomBytes(9).toString('base64url');
  const tmp = `${file}.${process.pid}.${token}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ ...currentProcessIdentity(), host: os.hostname(), token, what, since: new Date().toISOString() }));
  try {
    fs.linkSync(tmp, file);
    return token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

interface Holder {
  pid: number;
  host: string;
  start?: string;
  boot?: string;
  token?: string;
}

function readHolder(file: string): Holder | undefined {
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return typeof data.pid === 'number'
      ? { pid: data.pid, host: String(data.host ?? '?'), start: text(data.start), boot: text(data.boot), token: text(data.token) }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * On this host the holder's identity decides (a clock jump or a resume from suspend must
 * not hand a live lock over); our own pid with our own start time is a live holder in this
 * process, our pid with another start time a dead predecessor. A lock from another host (a
 * shared filesystem) or an unreadable one goes stale after a minute without a touch.
 */
function isStale(file: string, holder: Holder | undefined): boolean {
  if (holder && holder.host === os.hostname()) return !isSameProcessAlive(holder);
  try {
    return Date.now() - fs.statSync(file).mtimeMs > STALE_MS;
  } catch {
    return false;
  }
}

/**
 * Rename is atomic: of two processes taking over the same stale lock, only one moves it.
 * If what was moved turns out to be a fresh lock another process took meanwhile, it is
 * linked back into place.
 */
function takeOver(file: string, staleToken: string | undefined): void {
  const grave = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    fs.renameSync(file, grave);
  } catch {
    return; // someone else took it over first
  }
  const moved = readHolder(grave);
  if (moved && moved.token !== staleToken) {
    try {
      fs.linkSync(grave, file);
    } catch {
      /* a third process locked meanwhile: it holds the lock */
    }
  }
  fs.rmSync(grave, { force: true });
}
