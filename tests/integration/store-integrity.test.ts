import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { useTempDirs } from '../helpers/temp-store';
import { openStore, DATABASE_FILE } from '../../lib/store/open-store';
import { settingsFromObject } from '../../lib/settings/load-settings';
import { startServer } from '../../server/start-server';
import { silentLogger } from '../../lib/log/logger';
import { IntegralGitError } from '../../lib/errors';

const tempDir = useTempDirs('ig-integrity-');

/** A real database with many pages, closed cleanly, then its middle pages overwritten. */
function corruptDatabase(dir: string): void {
  openStore(dir).close();
  const file = path.join(dir, DATABASE_FILE);
  const db = new Database(file);
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)');
  const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run(`row ${i} `.repeat(40));
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const pageSize = 4096;
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r+');
  try {
    const garbage = Buffer.alloc(pageSize * 8, 0xa5);
    fs.writeSync(fd, garbage, 0, garbage.length, Math.floor(size / pageSize / 2) * pageSize);
  } finally {
    fs.closeSync(fd);
  }
}

describe('database integrity at start (issue 10 item 4)', () => {
  it('a database with damaged middle pages is refused with IG_DATABASE_CORRUPT, naming the file and the remedy', async () => {
    const dir = tempDir();
    corruptDatabase(dir);
    const settings = settingsFromObject(
      { listen: { host: '127.0.0.1', port: 0 }, dataDir: dir, hostname: 'web1', allowedRoots: [dir], repos: {} },
      { file: path.join(dir, 'settings.json'), baseDir: dir, env: {} },
    );
    const err = await startServer(settings, silentLogger()).then(
      async (s) => {
        await s.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(IntegralGitError);
    expect((err as IntegralGitError).code).toBe('IG_DATABASE_CORRUPT');
    expect((err as IntegralGitError).exitCode).toBe(2);
    expect((err as IntegralGitError).message).toContain(path.join(dir, DATABASE_FILE));
    expect((err as IntegralGitError).message).toMatch(/backup/);
  });

  it('a sound database opens with the check', () => {
    const dir = tempDir();
    openStore(dir).close();
    const store = openStore(dir, { checkIntegrity: true });
    store.close();
  });
});
