import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { IntegralGitError } from '../errors';

/**
 * One lock per working copy, across processes: a CLI `trigger` while the server runs
 * waits for the server's deployment (or fails clearly after `waitMs`), never writes beside it.
 * The lock lives under dataDir, keyed by the location's path, so it works before the
 * location exists. proper-lockfile uses an atomic mkdir and refreshes an mtime, so a lock
 * left by a killed process goes stale and is taken over.
 */
export async function withWorkingCopyLock<T>(
  dataDir: string,
  location: string,
  opts: { waitMs: number; onWait?: () => void },
  fn: () => Promise<T>,
): Promise<T> {
  const dir = path.join(dataDir, 'locks');
  fs.mkdirSync(dir, { recursive: true });
  const key = crypto.createHash('sha256').update(path.resolve(location)).digest('hex').slice(0, 24);
  const file = path.join(dir, `${key}.lock-target`);
  if (!fs.existsSync(file)) fs.writeFileSync(file, `${path.resolve(location)}\n`);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, { stale: 30_000, update: 5_000, realpath: false, retries: 0 });
  } catch {
    opts.onWait?.();
    const intervalMs = 500;
    try {
      release = await lockfile.lock(file, {
        stale: 30_000,
        update: 5_000,
        realpath: false,
        retries: { retries: Math.max(1, Math.ceil(opts.waitMs / intervalMs)), minTimeout: intervalMs, maxTimeout: intervalMs, factor: 1 },
      });
    } catch {
      throw new IntegralGitError(
        'IG_LOCKED',
        `another deployment of ${location} is still running (lock ${file}); try again when it has finished`,
        { location },
      );
    }
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
