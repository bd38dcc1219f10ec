import fs from 'node:fs';
import path from 'node:path';
import { GitFixture, makeTempDir } from '../helpers/git-fixture';
import { runCli } from '../helpers/run-cli';
import { spawn } from 'node:child_process';
import { openStoreForReading } from '../../lib/store';

/** Two `integralgit trigger` processes on one working copy: one waits for the other, never both write. */
describe('concurrent triggers from two processes', () => {
  let fx: GitFixture;
  let root: string;
  beforeAll(async () => {
    fx = await GitFixture.create();
    root = makeTempDir('ig-concurrent-');
  });
  afterAll(async () => {
    await fx.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('runs the deployments one after the other', async () => {
    const location = path.join(root, 'www', 'app');
    const journal = path.join(root, 'journal.txt');
    fs.mkdirSync(path.dirname(location), { recursive: true });
    const repo = fx.createRepo('app', {
      'deploy.sh': `#!/bin/sh\necho "start $$ $(date +%s%N)" >> ${journal}\nsleep 1\necho "end $$ $(date +%s%N)" >> ${journal}\n`,
    });
    repo.makeExecutable(['deploy.sh']);
    repo.writeConfig({ configs: { base: { location, script: './deploy.sh' } } });
    const settingsFile = path.join(root, 'settings.json');
    fs.writeFileSync(
      settingsFile,
      JSON.stringify({ dataDir: path.join(root, 'data'), hostname: 'web1', allowedRoots: [path.join(root, 'www')], repos: { app: { url: repo.url, secret: 's' } } }),
    );
    const [a, b] = await Promise.all([runCli(['--settings', settingsFile, 'trigger', 'app']), runCli(['--settings', settingsFile, 'trigger', 'app'])]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stdout + b.stdout).toContain('waiting for another deployment');
    const lines = fs.readFileSync(journal, 'utf8').trim().split('\n').map((l) => l.split(' '));
    expect(lines.map((l) => l[0])).toEqual(['start', 'end', 'start', 'end']);
    expect(lines[0][1]).toBe(lines[1][1]);
    expect(BigInt(lines[2][2])).toBeGreaterThanOrEqual(BigInt(lines[1][2]));
  });

  it('Ctrl-C stops the deployment: the script group is killed and the run recorded as interrupted', async () => {
    const location = path.join(root, 'www', 'ctrl-c');
    const pidFile = path.join(root, 'ctrl-c.pid');
    const repo = fx.createRepo('ctrl-c', { 'deploy.sh': `#!/bin/sh\necho $$ > ${pidFile}\necho started\nsleep 30\n` });
    repo.makeExecutable(['deploy.sh']);
    repo.writeConfig({ configs: { base: { location, script: './deploy.sh' } } });
    const settingsFile = path.join(root, 'settings-ctrl-c.json');
    const dataDir = path.join(root, 'data-ctrl-c');
    fs.writeFileSync(settingsFile, JSON.stringify({ dataDir, hostname: 'web1', allowedRoots: [path.join(root, 'www')], repos: { app: { url: repo.url, secret: 's' } } }));
    const child = spawn(process.execPath, [path.resolve(__dirname, '../../bin/integralgit.js'), '--settings', settingsFile, 'trigger', 'app'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.resume();
    // a deadline sized for a loaded machine (the CLI starts, fetches and clones before the script runs)
    for (const until = Date.now() + 45_000; Date.now() < until && !out.includes('started'); ) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain('started');
    const scriptPid = Number(fs.readFileSync(pidFile, 'utf8'));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(() => process.kill(scriptPid, 0)).toThrow();
    const store = openStoreForReading(dataDir);
    try {
      expect(store.listDeployments('app', { limit: 1 }).items[0]).toMatchObject({ status: 'failed', errorCode: 'IG_INTERRUPTED' });
    } finally {
      store.close();
    }
  });
});
