import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { makeTempDir } from '../helpers/git-fixture';

const root = path.resolve(__dirname, '../..');

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, timeout: opts.timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * SPEC §12: `npm pack` of the project gives a tarball (built by `prepack`) that
 * `npm install -g` installs into an empty prefix, and the installed binary runs.
 * Slow (a build, a registry install, better-sqlite3's native build): minutes, not seconds.
 */
describe('npm pack → npm install -g → integralgit', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTempDir('ig-pack-');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('installs from the tarball and runs --version and demo --once', async () => {
    const pack = await run('npm', ['pack', '--pack-destination', dir], { cwd: root, timeoutMs: 600_000 });
    expect(pack.code).toBe(0);
    const tgz = fs.readdirSync(dir).find((f) => /^integralgit-.*\.tgz$/.test(f));
    expect(tgz).toBeDefined();
    const listing = await run('tar', ['tzf', path.join(dir, tgz!)], { timeoutMs: 60_000 });
    expect(listing.stdout).toContain('package/dist/cli/main.js');
    expect(listing.stdout).toContain('package/packaging/systemd/integralgit.service');

    const prefix = path.join(dir, 'prefix');
    fs.mkdirSync(prefix);
    // better-sqlite3 builds against the local Node headers when no prebuilt binary can be fetched
    const env: NodeJS.ProcessEnv = fs.existsSync('/usr/include/node/node.h') ? { npm_config_nodedir: '/usr' } : {};
    const install = await run(
      'npm',
      ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', path.join(dir, tgz!)],
      { cwd: dir, env, timeoutMs: 1_500_000 },
    );
    expect(install.stderr).not.toMatch(/npm error/);
    expect(install.code).toBe(0);

    const bin = path.join(prefix, 'bin', 'integralgit');
    const version = await run(bin, ['--version'], { cwd: dir, timeoutMs: 60_000 });
    expect(version.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);
    const demo = await run(bin, ['demo', '--once', '--port', '0'], { cwd: dir, timeoutMs: 300_000 });
    expect(demo.stderr).toBe('');
    expect(demo.stdout).toMatch(/deployment #1 succeeded/);
    expect(demo.code).toBe(0);
  }, 2_400_000);
});
