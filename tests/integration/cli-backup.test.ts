import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { makeTempDir } from '../helpers/git-fixture';
import { runCli } from '../helpers/run-cli';
import { freePort, startServeProcess, stopProcess } from '../helpers/serve-process';

/** `integralgit backup <file>` (SPEC §12) while a real `serve` writes to the database. */
describe('integralgit backup', () => {
  let root: string;
  let serve: ChildProcess | undefined;
  let settingsFile: string;
  let base: string;

  beforeAll(async () => {
    root = makeTempDir('ig-backup-');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    settingsFile = path.join(root, 'settings.json');
    fs.writeFileSync(settingsFile, JSON.stringify({ listen: { host: '127.0.0.1', port }, dataDir: './data', repos: { app: { url: 'https://git.example.com/a/app.git', secret: 'backup-test' } } }));
    serve = await startServeProcess(['--settings', settingsFile], base);
  });
  afterAll(async () => {
    await stopProcess(serve);
    fs.rmSync(root, { recursive: true, force: true });
  });

  // unsigned deliveries: refused, but each one is a row written by the running server
  const deliver = (n: number) =>
    Promise.all(Array.from({ length: n }, () => fetch(`${base}/update`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push' }, body: '{}' }).then((r) => r.text())));

  it('writes a consistent copy while the server runs and keeps writing', async () => {
    await deliver(20);
    const target = path.join(root, 'copy.db');
    const writing = deliver(40);
    const r = await runCli(['--settings', settingsFile, 'backup', target]);
    await writing;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('quick_check ok');
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    const copy = new Database(target, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.prepare('SELECT count(*) FROM deliveries').pluck().get()).toBeGreaterThanOrEqual(20);
    } finally {
      copy.close();
    }
    expect(fs.readdirSync(root).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('never overwrites: an existing file or a missing folder exits 2', async () => {
    const existing = path.join(root, 'existing.db');
    fs.writeFileSync(existing, 'keep me');
    const r = await runCli(['--settings', settingsFile, 'backup', existing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already exists');
    expect(fs.readFileSync(existing, 'utf8')).toBe('keep me');
    expect((await runCli(['--settings', settingsFile, 'backup', path.join(root, 'no', 'such', 'x.db')])).code).toBe(2);
  });

  it('works with the server stopped too', async () => {
    await stopProcess(serve);
    const target = path.join(root, 'offline.db');
    const r = await runCli(['--settings', settingsFile, 'backup', target]);
    expect(r.code).toBe(0);
    expect(fs.existsSync(target)).toBe(true);
  });
});
