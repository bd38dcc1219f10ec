import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { makeTempDir } from '../helpers/git-fixture';
import { stopProcess, writeServeSettings } from '../helpers/serve-process';

// Issue 16, idle memory: a server at rest holds only what intake and the queue need;
// Express, helmet and the pages load on the first request that needs them.
const BIN = path.resolve(__dirname, '../../bin/integralgit.js');

/** The node_modules packages the process holds, asked for with SIGUSR2 (a preloaded reporter). */
async function packagesHeld(child: ChildProcess, out: string): Promise<string[]> {
  fs.rmSync(out, { force: true });
  child.kill('SIGUSR2');
  for (let i = 0; i < 200 && !fs.existsSync(out); i++) await new Promise((r) => setTimeout(r, 25));
  const files = JSON.parse(fs.readFileSync(out, 'utf8')) as string[];
  return [...new Set(files.map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1]).filter((p): p is string => Boolean(p)))];
}

async function listening(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}`);
    // a bare TCP connect: no HTTP request, so nothing is loaded on our account
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('serve did not listen');
}

describe('serve at rest', () => {
  const dir = makeTempDir('ig-idle-');
  let child: ChildProcess | undefined;
  afterAll(async () => {
    await stopProcess(child);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('has not loaded Express, helmet, EJS or winston before the first request; the first page request loads them and gets the same headers', async () => {
    const { file, port, url } = await writeServeSettings(dir, { hostname: 'web1', repos: { app: { url: 'https://git.example.com/acme/app.git', secret: 'x' } } });
    const out = path.join(dir, 'modules.json');
    const report = path.join(dir, 'report.js');
    fs.writeFileSync(report, `process.on('SIGUSR2', () => require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.keys(require.cache))));\n`);
    child = spawn(process.execPath, ['--require', report, BIN, '--settings', file, 'serve'], { stdio: 'ignore' });
    await listening(port, child);
    const idle = await packagesHeld(child, out);
    expect(idle).toContain('better-sqlite3');
    // winston too: the start-up lines are plain lines, written by lib/log/line-writer.ts
    for (const p of ['express', 'helmet', 'body-parser', 'ejs', 'winston']) expect(idle).not.toContain(p);

    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(await packagesHeld(child, out)).toEqual(expect.arrayContaining(['express', 'helmet']));
  }, 60_000);
});
