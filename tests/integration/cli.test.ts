import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '../../lib/store';
import { GitFixture, FixtureRepo, makeTempDir, git } from '../helpers/git-fixture';
import { runCli } from '../helpers/run-cli';

/** The CLI as a real subprocess: every command, every exit code (0 ok, 1 failed, 2 usage/settings). */
describe('integralgit CLI', () => {
  let fx: GitFixture;
  let repo: FixtureRepo;
  let root: string;
  let settingsFile: string;
  let location: string;

  beforeAll(async () => {
    fx = await GitFixture.create();
    root = makeTempDir('ig-cli-');
    location = path.join(root, 'deployments', 'app');
    fs.mkdirSync(path.dirname(location), { recursive: true });
    repo = fx.createRepo('app', { 'README.md': '# app\n', 'deploy.sh': '#!/bin/sh\necho "deploying $INTEGRALGIT_COMMIT"\n' });
    repo.makeExecutable(['deploy.sh']);
    repo.writeConfig({
      hostgroups: { web: ['web1', 'web2'], canary: ['web2'] },
      configs: {
        base: { location, script: './deploy.sh', branch: 'master' },
        canary: { branch: 'develop' },
        web2: { script: '/opt/special.sh' },
      },
    });
    settingsFile = path.join(root, 'settings.json');
    fs.writeFileSync(
      settingsFile,
      JSON.stringify({
        dataDir: path.join(root, 'data'),
        hostname: 'web1',
        allowedRoots: [path.join(root, 'deployments')],
        repos: { app: { url: repo.url, secret: 'cli-secret' } },
      }),
    );
  });
  afterAll(async () => {
    await fx.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => runCli(['--settings', settingsFile, ...args]);

  it.each(['serve', 'trigger', 'status', 'config', 'validate', 'init', 'deliveries', 'rollback', 'unpin', 'demo'])('%s --help exits 0', async (cmd) => {
    const r = await runCli([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`integralgit ${cmd}`);
  });

  it('an unknown command or a missing argument exits 2', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    expect((await runCli(['config'])).code).toBe(2);
  });

  it('a missing settings file exits 2 with one clear line, no stack trace', async () => {
    const r = await runCli(['--settings', path.join(root, 'nope.json'), 'status']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/settings file .*nope\.json not found/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('invalid settings exit 2 listing every problem', async () => {
    const bad = path.join(root, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ repo: {}, listen: { port: 'x' } }));
    const r = await runCli(['--settings', bad, 'status']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean "repos"');
    expect(r.stderr).toContain('/listen/port');
  });

  it('config shows the effective config with provenance, for this host and another', async () => {
    const r = await cli('config', 'app');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/location\s+.*deployments\/app\s+base/);
    const other = await cli('config', 'app', '--host', 'web2', '--json');
    expect(other.code).toBe(0);
    const json = JSON.parse(other.stdout);
    expect(json.effective.layers).toEqual(['base', 'group:canary', 'host:web2']);
    const branch = json.effective.provenance.find((p: { key: string }) => p.key === 'branch');
    expect(branch).toMatchObject({ value: 'develop', layer: 'group:canary', overridden: ['base'] });
  });

  it('config of an unknown repo exits 2', async () => {
    const r = await cli('config', 'nosuch');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nosuch');
  });

  it('validate: 0 for a good file (with --host, the effective config), 1 with every problem, 2 for a missing file', async () => {
    const good = path.join(root, 'good.json');
    fs.writeFileSync(good, JSON.stringify({ hostgroups: { web: ['h1'] }, configs: { base: { location: '/srv/www/x' }, web: { branch: 'main' } } }));
    const ok = await runCli(['validate', good, '--host', 'h1']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/branch\s+main\s+group:web/);
    const bad = path.join(root, 'bad-config.json');
    fs.writeFileSync(bad, JSON.stringify({ groups: {}, configs: { base: { location: '../x', timeout: 'soon' } } }));
    const r = await runCli(['validate', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('did you mean "hostgroups"');
    expect(r.stdout).toContain('/configs/base/location');
    expect(r.stdout).toContain('/configs/base/timeout');
    expect((await runCli(['validate', path.join(root, 'missing.json')])).code).toBe(2);
  });

  it('trigger --dry-run prints the plan and changes nothing', async () => {
    const r = await cli('trigger', 'app', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('would clone');
    expect(fs.existsSync(location)).toBe(false);
    const status = await cli('status', 'app', '--json');
    expect(JSON.parse(status.stdout).repos[0].lastDeployment).toBeNull();
  });

  it('trigger --dry-run, status and deliveries write nothing to a data dir', async () => {
    const emptyData = path.join(root, 'untouched-data');
    const other = path.join(root, 'settings-untouched.json');
    fs.writeFileSync(other, JSON.stringify({ ...JSON.parse(fs.readFileSync(settingsFile, 'utf8')), dataDir: emptyData }));
    for (const args of [['trigger', 'app', '--dry-run'], ['status'], ['deliveries']]) {
      const r = await runCli(['--settings', other, ...args]);
      expect(r.code).toBe(0);
    }
    expect(fs.existsSync(emptyData)).toBe(false);
  });

  it('trigger deploys, streams the script output, and status shows it', async () => {
    const head = repo.head('refs/heads/master');
    const r = await cli('trigger', 'app');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`deploying ${head}`);
    expect(r.stdout).toContain('succeeded');
    expect(git(location, ['rev-parse', 'HEAD'])).toBe(head);
    const s = await cli('status');
    expect(s.code).toBe(0);
    expect(s.stdout).toContain(head.slice(0, 12));
    expect(s.stdout).toContain('succeeded');
  });

  it('logs to integralgit.log in the data dir, as JSON lines with --log-format json', async () => {
    const logFile = path.join(root, 'data', 'integralgit.log');
    expect(fs.readFileSync(logFile, 'utf8')).toMatch(/info\s+\[app#\d+\] succeeded/);
    fs.rmSync(logFile);
    expect((await cli('--log-format', 'json', 'trigger', 'app')).code).toBe(0);
    const lines = fs.readFileSync(logFile, 'utf8').trim().split('\n');
    const parsed = lines.map((l) => JSON.parse(l) as { level: string; message: string; timestamp: string });
    expect(parsed.some((l) => l.level === 'info' && /succeeded/.test(l.message) && l.timestamp)).toBe(true);
  });

  it('a failing script makes trigger exit 1', async () => {
    repo.commit({ 'deploy.sh': '#!/bin/sh\necho broken >&2\nexit 3\n' }, 'break the script');
    const r = await cli('trigger', 'app');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('exited with code 3');
  });

  it('rollback pins to an earlier commit and unpin releases it', async () => {
    const first = repo.head('refs/heads/master~1'); // the last commit whose script works
    const rb = await cli('rollback', 'app', first);
    expect(rb.code).toBe(0);
    expect(git(location, ['rev-parse', 'HEAD'])).toBe(first);
    const st = await cli('status', 'app', '--json');
    expect(JSON.parse(st.stdout).repos[0].pin.commit).toBe(first);
    const un = await cli('unpin', 'app');
    expect(un.code).toBe(0);
    expect(un.stdout).toContain('released');
    expect((await cli('rollback', 'app', 'not-a-sha')).code).toBe(2);
  });

  it('rollback to a commit the repository does not have exits 2 and records nothing', async () => {
    const store = openStore(path.join(root, 'data'));
    const before = store.countDeployments('app');
    store.close();
    const r = await cli('rollback', 'app', 'deadbeef');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/deadbeef/);
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
    const after = openStore(path.join(root, 'data'));
    expect(after.countDeployments('app')).toBe(before);
    after.close();
  });

  it('deliveries on an empty log says how to set the webhook up', async () => {
    const r = await cli('deliveries');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('/update');
  });

  it('init creates the orphan config branch and leaves uncommitted work untouched', async () => {
    const dir = makeTempDir('ig-init-');
    git(dir, ['init', '-q', '-b', 'main']);
    fs.writeFileSync(path.join(dir, 'a.txt'), 'committed\n');
    git(dir, ['add', 'a.txt']);
    git(dir, ['-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'first']);
    fs.writeFileSync(path.join(dir, 'a.txt'), 'edited, not staged\n');
    fs.writeFileSync(path.join(dir, 'staged.txt'), 'staged\n');
    git(dir, ['add', 'staged.txt']);
    fs.writeFileSync(path.join(dir, 'untracked.txt'), 'untracked\n');
    const before = git(dir, ['status', '--porcelain']);
    const r = await runCli(['init', dir], { env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
    expect(r.code).toBe(0);
    expect(git(dir, ['status', '--porcelain'])).toBe(before);
    expect(git(dir, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe('main');
    expect(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('edited, not staged\n');
    expect(git(dir, ['ls-tree', '--name-only', 'integralgit'])).toBe('config');
    expect(git(dir, ['rev-list', '--count', 'integralgit'])).toBe('1');
    const cfgFile = path.join(dir, 'starter.json');
    fs.writeFileSync(cfgFile, git(dir, ['show', 'integralgit:config']));
    expect((await runCli(['validate', cfgFile])).code).toBe(0);
    const again = await runCli(['init', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
