import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '../helpers/git-fixture';

const BIN = path.resolve(__dirname, '../../bin/integralgit.js');

/**
 * `integralgit status | head -1`: the reader closing the pipe before the command has written
 * everything ends the output, not the command with an unhandled EPIPE and node's stack trace.
 */
describe('integralgit with a closed stdout', () => {
  let root: string;
  beforeAll(() => {
    root = makeTempDir('ig-closed-stdout-');
    fs.writeFileSync(path.join(root, 'settings.json'), JSON.stringify({ dataDir: './data', hostname: 'web1', repos: { app: { url: 'https://git.example.com/app.git', secret: 'x' } } }));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it.each([[['status']], [['status', '--json']], [['--help']]])('%j exits with its own code and no stack trace when the reader has gone', async (args) => {
    const child = spawn(process.execPath, [BIN, '--settings', path.join(root, 'settings.json'), ...args], { cwd: root, env: { ...process.env, INTEGRALGIT_SETTINGS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    // closed before node has even started: the command's first write meets a closed pipe
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
    expect(code).toBe(0);
  });
});
