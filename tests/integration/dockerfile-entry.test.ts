import fs from 'node:fs';
import path from 'node:path';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { makeTempDir } from '../helpers/git-fixture';
import { freePort, stopProcess } from '../helpers/serve-process';

const root = path.resolve(__dirname, '../..');

/** The exec-form array of a Dockerfile instruction (`CMD [...]`, `HEALTHCHECK ... CMD [...]`). */
function execForm(dockerfile: string, instruction: RegExp): string[] {
  const m = instruction.exec(dockerfile.replace(/\\\n\s*/g, ''));
  if (!m) throw new Error(`no ${instruction} in the Dockerfile`);
  return JSON.parse(m[1]) as string[];
}

/**
 * No Docker engine here: run the image's own CMD and HEALTHCHECK, taken from the
 * Dockerfile, from the project root (the image's WORKDIR holds the same bin/ and dist/).
 */
describe('the Dockerfile entry point and healthcheck, outside Docker', () => {
  const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const cmd = execForm(dockerfile, /^CMD (\[.*\])$/m);
  const health = execForm(dockerfile, /^HEALTHCHECK .*?CMD (\[.*\])$/m);
  let dir: string;
  let server: ChildProcess | undefined;

  beforeAll(() => {
    dir = makeTempDir('ig-docker-');
  });
  afterAll(async () => {
    await stopProcess(server);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const healthcheck = (env: NodeJS.ProcessEnv) =>
    new Promise<number>((resolve) => {
      execFile(health[0] === 'node' ? process.execPath : health[0], health.slice(1), { cwd: root, env: { ...process.env, ...env } }, (err) =>
        resolve(err ? Number((err as { code?: number }).code ?? 1) : 0),
      );
    });

  it('serve answers and the healthcheck passes, on the port of the settings', async () => {
    expect(cmd.slice(0, 3)).toEqual(['node', 'bin/integralgit.js', 'serve']);
    const port = await freePort();
    const settings = path.join(dir, 'settings.json');
    fs.writeFileSync(settings, JSON.stringify({ listen: { host: '0.0.0.0', port }, repos: { app: { url: 'https://git.example.com/a/app.git', secret: 'x' } } }));
    const dataDir = path.join(dir, 'data');
    // the image's data volume stands in for a temp dir
    const args = cmd.slice(1).map((a) => (a === '/var/lib/integralgit/data' ? dataDir : a));
    const env = { INTEGRALGIT_SETTINGS: settings };
    expect(await healthcheck(env)).toBe(1);
    server = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: 'ignore' });
    let code = 1;
    for (let i = 0; i < 200 && code !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      code = await healthcheck(env);
    }
    expect(code).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'integralgit.db'))).toBe(true);
  });
});
