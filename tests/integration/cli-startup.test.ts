import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { removeTempDirs, repo, tempDir, writeSettings } from '../fixtures/settings/write-settings';

// Issue 16: a command loads only what it runs. The packages below each cost tens of ms of
// CPU to load; `--help` needs none of them, `status` only SQLite.
const BIN = path.resolve(__dirname, '../../bin/integralgit.js');
const HEAVY = ['winston', 'isomorphic-git', 'yaml', 'express', 'ejs', 'prom-client'];

afterAll(removeTempDirs);

/** The packages under node_modules the command's process had loaded when it exited. */
function packagesLoaded(args: string[]): Promise<{ code: number; packages: string[]; files: string[]; stderr: string }> {
  const dir = tempDir();
  const report = path.join(dir, 'report.js');
  const out = path.join(dir, 'modules.json');
  fs.writeFileSync(
    report,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.keys(require.cache))));\n`,
  );
  return new Promise((resolve) => {
    execFile(process.execPath, ['--require', report, BIN, ...args], { timeout: 30_000 }, (err, _stdout, stderr) => {
      const files = JSON.parse(fs.readFileSync(out, 'utf8')) as string[];
      const packages = [...new Set(files.map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1]).filter((p): p is string => Boolean(p)))];
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, packages, files, stderr });
    });
  });
}

describe('CLI start-up', () => {
  it('--help loads commander and nothing else from node_modules', async () => {
    const r = await packagesLoaded(['--help']);
    expect(r.code).toBe(0);
    expect(r.packages).toEqual(['commander']);
  });

  it('status loads SQLite but no schema compiler, logger, git library or YAML parser', async () => {
    const dir = tempDir();
    const settings = writeSettings({ dataDir: path.join(dir, 'data'), hostname: 'web1', repos: { app: repo() } }, 'settings.json', dir);
    const r = await packagesLoaded(['--settings', settings, 'status']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.packages).toContain('better-sqlite3');
    for (const p of HEAVY) expect(r.packages).not.toContain(p);
    // the settings are checked by the validator the build compiled: of ajv, only its
    // small run-time helpers load, never the schema compiler
    expect(r.files.filter((f) => f.includes('node_modules/ajv/')).every((f) => f.includes('node_modules/ajv/dist/runtime/'))).toBe(true);
    // and of the CLI's command modules only its own
    expect(r.files.filter((f) => f.includes('/cli/commands/')).map((f) => path.basename(f))).toEqual(['status.js']);
    // nor the commit-status providers, with no repo posting statuses
    expect(r.files.filter((f) => f.includes('/outcomes/commit-status/'))).toEqual([]);
    // nor what only some settings need: the CIDR parser (no networks listed), the did-you-mean distance (no mistake)
    for (const p of ['ipaddr.js', 'fastest-levenshtein']) expect(r.packages).not.toContain(p);
    // of the store's tables, only those status reads: the others' modules load on their first use
    const tables = r.files.filter((f) => f.includes('/lib/store/')).map((f) => path.basename(f));
    for (const t of ['push-events.js', 'deliveries.js', 'outbox.js', 'retention.js', 'commit-search.js', 'deployment-log.js']) expect(tables).not.toContain(t);
  });

  it('an unknown command still gets the did-you-mean over every command', async () => {
    const r = await packagesLoaded(['stauts']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("(Did you mean status?)");
  });

  it('a settings error is still reported with the did-you-mean of the schema check', async () => {
    const settings = writeSettings({ repos: { app: repo({ secert: 'x' }) } });
    const r = await packagesLoaded(['--settings', settings, 'status']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean "secret"?');
    expect(r.packages).not.toContain('winston');
  });
});
