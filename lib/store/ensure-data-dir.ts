import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IntegralGitError } from '../errors';

/**
 * Create the data dir if needed (mode 0700: it holds the database, logs and working-copy
 * locks) and prove it is writable, so that a wrong owner is one clear error naming the
 * directory and the fix rather than a bare `EACCES … mkdir` from whichever write came first.
 */
export function ensureDataDir(dataDir: string): string {
  const dir = path.resolve(dataDir);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const user = userName();
    throw new IntegralGitError(
      'IG_DATA_DIR_UNWRITABLE',
      `the data dir ${dir} cannot be created or written by ${user} (${code}): create it for that user ` +
        `(install -d -o ${user} -m 0700 ${dir}), or under systemd set StateDirectory=, or choose another with --data-dir or dataDir`,
      { dataDir: dir, errno: code },
    );
  }
  return dir;
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}
