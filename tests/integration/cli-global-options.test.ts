import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '../helpers/git-fixture';
import { runCli } from '../helpers/run-cli';

/**
 * SPEC §12 through the real binary: where the settings file is found, the options every
 * command takes (--settings, --data-dir, --hostname), read-only commands without secrets,
 * and the command-line defects of issue 10 (items 17, 18, 19).
 */
describe('integralgit global options and settings lookup', () => {
  let root: string;
  const env = { INTEGRALGIT_SETTINGS: '', INTEGRALGIT_HOSTNAME: '' };

  const writeSettings = (dir: string, name: string, body: Record<string, unknown>): string => {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    fs.writeFileSync(file, name.endsWith('.json') ? JSON.stringify(body) : Object.entries(body).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n'));
    return file;
  };
  const base = (over: Record<string, unknown> = {}) => ({
    dataDir: './data',
    hostname: 'fromfile',
    repos: { app: { url: 'https://git.example.com/acme/app.git', secret: 's3cret-value' } },
    ...over,
  });

  beforeAll(() => {
    root = makeTempDir('ig-globals-');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('finds ./settings.yaml in the working directory when nothing names a file', async () => {
    const dir = path.join(root, 'cwd-yaml');
    writeSettings(dir, 'settings.yaml', base({ hostname: 'yamlhost' }));
    const r = await runCli(['status', '--json'], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).host).toBe('yamlhost');
  });

  it('prefers --settings over $INTEGRALGIT_SETTINGS over ./settings.json', async () => {
    const dir = path.join(root, 'order');
    writeSettings(dir, 'settings.json', base({ hostname: 'cwdhost' }));
    const fromEnv = writeSettings(path.join(dir, 'env'), 'settings.json', base({ hostname: 'envhost' }));
    const fromFlag = writeSettings(path.join(dir, 'flag'), 'settings.json', base({ hostname: 'flaghost' }));
    const host = async (args: string[], e: NodeJS.ProcessEnv) => JSON.parse((await runCli([...args, 'status', '--json'], { cwd: dir, env: { ...env, ...e } })).stdout).host;
    expect(await host([], {})).toBe('cwdhost');
    expect(await host([], { INTEGRALGIT_SETTINGS: fromEnv })).toBe('envhost');
    expect(await host(['--settings', fromFlag], { INTEGRALGIT_SETTINGS: fromEnv })).toBe('flaghost');
  });

  it('without any settings file exits 2 and names every place it looked', async () => {
    const dir = path.join(root, 'empty');
    fs.mkdirSync(dir);
    const r = await runCli(['status'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(path.join(dir, 'settings.json'));
    expect(r.stderr).toContain('/etc/integralgit/settings.json');
    expect(r.stderr).toContain('INTEGRALGIT_SETTINGS');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('read-only commands run with a secret variable unset (a warning); serve refuses', async () => {
    const file = writeSettings(path.join(root, 'nosecret'), 'settings.json', base({ repos: { app: { url: 'https://git.example.com/acme/app.git', secretEnv: 'IG_TEST_UNSET_SECRET' } } }));
    for (const cmd of [['status'], ['deliveries'], ['deliveries', 'app']]) {
      const r = await runCli(['--settings', file, ...cmd], { env });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/warning: repos\.app\.secretEnv: environment variable IG_TEST_UNSET_SECRET is not set/);
    }
    const serve = await runCli(['serve', '--settings', file, '--port', '0'], { env });
    expect(serve.code).toBe(2);
    expect(serve.stderr).toContain('IG_TEST_UNSET_SECRET is not set');
    expect(serve.stderr).toContain('[IG_SETTINGS_INVALID]');
  });

  it('deliveries of an unknown repo exits 2 with IG_REPO_UNKNOWN (issue 10 item 17)', async () => {
    const file = writeSettings(path.join(root, 'deliv'), 'settings.json', base({ listen: { port: 9123 } }));
    const r = await runCli(['--settings', file, 'deliveries', 'nope'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[IG_REPO_UNKNOWN]');
    const empty = await runCli(['--settings', file, 'deliveries'], { env });
    expect(empty.stdout).toContain(':9123/update');
    expect(empty.stdout).not.toContain('8080');
  });

  it('status, unpin and rollback honour --hostname and --data-dir, before or after the command (item 18)', async () => {
    const file = writeSettings(path.join(root, 'identity'), 'settings.json', base());
    const dataDir = path.join(root, 'identity', 'other-data');
    const status = await runCli(['status', '--settings', file, '--hostname', 'web7', '--data-dir', dataDir, '--json'], { env });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).host).toBe('web7');
    const text = await runCli(['--hostname', 'web7', '--data-dir', dataDir, '--settings', file, 'status'], { env });
    expect(text.stdout).toContain(`host web7 (flag), data ${dataDir}`);
    const unpin = await runCli(['unpin', 'app', '--settings', file, '--hostname', 'web7', '--data-dir', dataDir], { env });
    expect(unpin.code).toBe(0);
    expect(unpin.stdout).toContain('not pinned on web7');
    expect(fs.existsSync(path.join(dataDir, 'integralgit.db'))).toBe(true);
    const rollback = await runCli(['rollback', '--help']);
    expect(rollback.stdout).toContain('--hostname');
    expect(rollback.stdout).toContain('--data-dir');
  });

  it('validate --settings also checks location against allowedRoots (item 18)', async () => {
    const dir = path.join(root, 'validate');
    const file = writeSettings(dir, 'settings.json', base({ hostname: 'web1', allowedRoots: [path.join(dir, 'srv')] }));
    const config = (location: string) => {
      const f = path.join(dir, `config-${path.basename(location)}.json`);
      fs.writeFileSync(f, JSON.stringify({ hostgroups: { web: ['web1'] }, configs: { base: { location: path.join(dir, 'srv', 'ok') }, web: { location } } }));
      return f;
    };
    const outside = await runCli(['validate', '--settings', file, config('/etc/evil')], { env });
    expect(outside.code).toBe(1);
    expect(outside.stdout).toContain('/configs/web/location');
    expect(outside.stdout).toContain('outside every allowed root');
    const inside = await runCli(['validate', '--settings', file, config(path.join(dir, 'srv', 'app'))], { env });
    expect(inside.code).toBe(0);
    // without settings, validate checks the file alone, as before
    expect((await runCli(['validate', config('/etc/evil')], { cwd: dir, env })).code).toBe(0);
  });

  it('an unwritable data dir is IG_DATA_DIR_UNWRITABLE with a hint, exit 2 (item 19)', async () => {
    const dir = path.join(root, 'unwritable');
    const file = writeSettings(dir, 'settings.json', base());
    fs.writeFileSync(path.join(dir, 'a-file'), '');
    const r = await runCli(['--settings', file, '--data-dir', path.join(dir, 'a-file', 'data'), 'unpin', 'app'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[IG_DATA_DIR_UNWRITABLE]');
    expect(r.stderr).toContain('install -d');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  // the CLI runs as nobody: it must reach this checkout (a clone under a 0700 directory, e.g.
  // /root or mktemp -d, is not; .ci/run makes the clone's parents traversable)
  const nobodyReachesCheckout = (): boolean =>
    spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(path.resolve(__dirname, '../../bin/integralgit.js'))})`], { uid: 65534, gid: 65534 }).status === 0;
  const asRoot = process.getuid?.() === 0 && nobodyReachesCheckout() ? it : it.skip;
  asRoot('a data dir the service user may not write: EACCES becomes IG_DATA_DIR_UNWRITABLE (item 19)', async () => {
    const dir = path.join(root, 'eacces');
    const file = writeSettings(dir, 'settings.json', base());
    fs.chmodSync(root, 0o755);
    fs.mkdirSync(path.join(dir, 'locked'), { mode: 0o755 });
    const r = await runCli(['--settings', file, '--data-dir', path.join(dir, 'locked', 'data'), 'serve', '--port', '0'], { env, uid: 65534, gid: 65534 });
    expect(r.stderr).toContain('EACCES');
    expect(r.stderr).toContain('[IG_DATA_DIR_UNWRITABLE]');
    expect(r.code).toBe(2);
  });
});
