import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ServerHarness } from '../helpers/server-harness';
import { makeTempDir } from '../helpers/git-fixture';
import { runCli } from '../helpers/run-cli';

/**
 * `runAs` (SPEC §12) on a real deployment: a throwaway system user is created, the
 * working copy is cloned by git running as that user and the script runs as it. Needs
 * root (to create the user and switch to it) and useradd; skipped otherwise.
 */
const canCreateUsers = process.getuid?.() === 0 && spawnSync('useradd', ['--help'], { stdio: 'ignore' }).error === undefined;
const describeAsRoot = canCreateUsers ? describe : describe.skip;

describeAsRoot('runAs: scripts and git of a repo run as another user', () => {
  const user = `igrunas${process.pid % 100000}`;
  let uid: number;
  let gid: number;
  let h: ServerHarness;

  beforeAll(async () => {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', user]);
    uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    h = await ServerHarness.start({
      repo: { runAs: { user, group: user } },
      files: { 'deploy.sh': '#!/bin/sh\necho "uid=$(id -u) gid=$(id -g) groups=$(id -G) home=$HOME"\ntouch built.txt\n' },
    });
    // the temp dirs are 0700: the user must be able to reach the deployment root
    fs.chmodSync(h.root, 0o755);
    fs.chmodSync(h.deployRoot, 0o755);
  });
  afterAll(async () => {
    await h?.close();
    spawnSync('userdel', [user], { stdio: 'ignore' });
  });

  it('resolves the user and group to their ids at settings load', () => {
    expect(h.settings.repos.app.runAs).toMatchObject({ user, group: user, uid, gid });
  });

  it('deploys: the script prints the runAs uid, with no supplementary groups, and the copy is the user\'s', async () => {
    expect((await h.pushWebhook()).status).toBe(202);
    await h.idle();
    const deployment = h.store.listDeployments('app', { limit: 1 }).items[0];
    const log = h.store.getLog(deployment.id).map((c) => c.text).join('');
    expect(deployment.status).toBe('succeeded');
    expect(log).toContain(`uid=${uid} gid=${gid} groups=${gid} home=`);
    for (const rel of ['.', '.git', '.git/HEAD', '.git/objects', 'README.md', 'built.txt']) {
      const st = fs.statSync(path.join(h.location, rel));
      expect({ rel, uid: st.uid, gid: st.gid }).toEqual({ rel, uid, gid });
    }
  });

  it('a second push updates the copy as the user; the server (root) still reads the copy despite its other owner', async () => {
    fs.writeFileSync(path.join(h.repo.work, 'NEW.md'), 'new\n');
    h.repo.git(['add', 'NEW.md']);
    h.repo.git(['commit', '-q', '-m', 'add NEW.md']);
    h.repo.git(['push', '-q', 'origin', 'HEAD:refs/heads/master']);
    expect((await h.pushWebhook()).status).toBe(202);
    await h.idle();
    const deployment = h.store.listDeployments('app', { limit: 1 }).items[0];
    expect(deployment.status).toBe('succeeded');
    expect(fs.statSync(path.join(h.location, 'NEW.md')).uid).toBe(uid);
    // status/plan as the server's user: git would refuse a copy owned by another user without safe.directory
    expect(await h.server.ctx.backend.currentCommit(h.location)).toBe(h.repo.head('refs/heads/master'));
  });

  it('an unknown user is a settings error naming the key', async () => {
    const dir = makeTempDir('ig-runas-cli-');
    const file = path.join(dir, 'settings.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ dataDir: path.join(dir, 'data'), git: 'native', repos: { app: { url: 'https://example.com/a.git', insecure: true, runAs: { user: 'no-such-user-ig', group: user } } } }),
    );
    const r = await runCli(['--settings', file, 'config', 'app'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/repos\/app\/runAs\/user.*does not exist/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serve started by a user that cannot switch users fails at start with IG_PRIVILEGES_MISSING', async () => {
    const dir = makeTempDir('ig-runas-serve-');
    fs.chmodSync(dir, 0o777);
    const file = path.join(dir, 'settings.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ listen: { port: 0 }, dataDir: path.join(dir, 'data'), git: 'native', repos: { app: { url: 'https://example.com/a.git', insecure: true, runAs: { user, group: user } } } }),
    );
    fs.chmodSync(file, 0o644);
    const r = await runCli(['--settings', file, 'serve'], { cwd: dir, uid, gid });
    expect(r.stderr).toContain('IG_PRIVILEGES_MISSING');
    expect(r.stderr).toContain('runas.conf');
    expect(r.code).toBe(2);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
