import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Another process (a `sqlite3` shell, a backup tool, a CLI command gone wrong) holds the
 * write lock of a database: a child holding `BEGIN IMMEDIATE` for `holdMs`, then letting go.
 * Resolves once the lock is taken; `exited` resolves once it is released.
 */
export async function holdWriteLock(file: string, holdMs: number): Promise<{ child: ChildProcess; exited: Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('busy_timeout = 10000');
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('ROLLBACK'); db.close(); }, Number(process.argv[2]));
  `;
  const child = spawn(process.execPath, ['-e', script, file, String(holdMs)], { cwd: path.resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the lock holder exited early (${code})`)));
    child.stdout!.once('data', () => {
      child.removeAllListeners('exit');
      resolve();
    });
  });
  const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
  return { child, exited };
}

/** Poll until `pred` holds (a row written behind a released lock). */
export async function until(pred: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
