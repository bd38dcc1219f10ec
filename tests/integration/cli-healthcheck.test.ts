import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { makeTempDir } from '../helpers/git-fixture';
import { runCli } from '../helpers/run-cli';
import { freePort, startServeProcess, stopProcess } from '../helpers/serve-process';

/**
 * `integralgit healthcheck` (SPEC §12), the Docker HEALTHCHECK: the same entry
 * (`node bin/integralgit.js`) the image runs, against a real `serve` under a basePath.
 */
describe('integralgit healthcheck', () => {
  let root: string;
  let serve: ChildProcess | undefined;
  let port: number;
  let settingsFile: string;

  beforeAll(async () => {
    root = makeTempDir('ig-health-');
    port = await freePort();
    settingsFile = path.join(root, 'settings.yaml');
    fs.writeFileSync(
      settingsFile,
      [`listen: { host: "127.0.0.1", port: ${port} }`, 'basePath: /deploy', 'dataDir: ./data', 'repos:', '  app: { url: "https://git.example.com/a/app.git", secretEnv: HEALTH_TEST_SECRET }'].join('\n'),
    );
  });
  afterAll(async () => {
    await stopProcess(serve);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('exits 0 while the server of these settings answers, honouring port and basePath; secrets not needed', async () => {
    serve = await startServeProcess(['--settings', settingsFile], `http://127.0.0.1:${port}/deploy`, { HEALTH_TEST_SECRET: 'xyz' });
    const r = await runCli(['healthcheck'], { env: { INTEGRALGIT_SETTINGS: settingsFile, HEALTH_TEST_SECRET: '' } });
    expect(r.stdout).toContain(`http://127.0.0.1:${port}/deploy/healthz answered 200: ok`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('exits 1 with a one-line reason once the server is gone', async () => {
    await stopProcess(serve);
    const r = await runCli(['--settings', settingsFile, 'healthcheck']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/connection refused: is `integralgit serve` running/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 1 when something else answers on the port', async () => {
    const other = http.createServer((_req, res) => res.writeHead(404).end('nope'));
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
    try {
      const r = await runCli(['--settings', settingsFile, 'healthcheck', '--timeout', '2']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('answered 404');
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('exits 1, never 2 (reserved by Docker), when the settings are missing', async () => {
    const r = await runCli(['--settings', path.join(root, 'missing.json'), 'healthcheck']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not found');
  });
});
