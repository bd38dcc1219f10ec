import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { GitFixture, FixtureRepo, makeTempDir } from '../helpers/git-fixture';
import { nativeStatus } from '../helpers/tree-builder';
import { SSHD_MISSING, startSshd, TestSshd } from '../helpers/sshd';
import { createBackend } from '../../lib/workcopy/create-backend';
import { fetchRefWithNativeGit } from '../../lib/workcopy/native/native-fetch-ref';
import type { RepoSettings } from '../../lib/settings/types';
import type { SyncRequest } from '../../lib/workcopy/core/git-backend';

/** SSH deploy keys with the native backend, against a real sshd on 127.0.0.1. */
const describeSsh = SSHD_MISSING ? describe.skip : describe;
if (SSHD_MISSING) console.warn(`skipping the SSH deploy-key tests: ${SSHD_MISSING}`);

describeSsh('native backend over SSH with a deploy key', () => {
  let sshd: TestSshd;
  let fx: GitFixture;
  let root: string;
  let repo: FixtureRepo;
  const backend = createBackend('native');

  beforeAll(async () => {
    sshd = await startSshd();
    fx = await GitFixture.create();
    root = makeTempDir('ig-ssh-');
    repo = fx.createRepo('ssh-app', { 'README.md': 'over ssh\n' });
    repo.writeConfig({ configs: { base: { location: '/srv/x' } } });
  });
  afterAll(async () => {
    await sshd?.stop();
    await fx?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const settings = (over: Partial<RepoSettings> = {}): RepoSettings => ({
    name: 'ssh-app',
    url: sshd.url(repo.bare),
    insecure: true,
    pollInterval: 0,
    secretEnvNames: [],
    sshKeyFile: sshd.userKey,
    knownHostsFile: sshd.knownHosts,
    ...over,
  });
  const req = (location: string, over: Partial<RepoSettings> = {}): SyncRequest => ({
    repo: settings(over),
    location,
    branch: 'master',
    remote: 'origin',
    allowedRoots: [root],
  });

  it('clones and updates with sshKeyFile and knownHostsFile', async () => {
    const location = path.join(root, 'app');
    const res = await backend.sync(req(location));
    expect(res).toMatchObject({ cloned: true, commit: repo.head() });
    const next = repo.commit({ 'b.txt': 'b\n' });
    expect(await backend.remoteHead(settings(), 'master')).toBe(next);
    expect((await backend.sync(req(location))).commit).toBe(next);
    expect(fs.readFileSync(path.join(location, 'b.txt'), 'utf8')).toBe('b\n');
    expect(nativeStatus(location)).toBe('');
  });

  it('reads the config branch over SSH into a bare cache', async () => {
    const sha = await fetchRefWithNativeGit(settings(), path.join(root, 'cache', 'ssh-app.git'), 'integralgit');
    expect(sha).toBe(repo.head('refs/heads/integralgit'));
  });

  it('refuses a server whose host key differs from knownHostsFile', async () => {
    const location = path.join(root, 'wrong-key');
    const err = await backend.sync(req(location, { knownHostsFile: sshd.wrongKnownHosts })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IG_FETCH_FAILED' });
    expect((err as Error).message).toContain('knownHostsFile');
    expect(fs.existsSync(location)).toBe(false);
  });

  it('refuses a server whose host key is not known at all', async () => {
    const empty = path.join(root, 'empty_known_hosts');
    fs.writeFileSync(empty, '');
    const err = await backend.sync(req(path.join(root, 'unknown-key'), { knownHostsFile: empty })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IG_FETCH_FAILED' });
    expect((err as Error).message).toContain('knownHostsFile');
  });

  it('fails clearly with a key the server does not accept', async () => {
    const stranger = path.join(root, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const err = await backend.sync(req(path.join(root, 'bad-key'), { sshKeyFile: stranger })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IG_FETCH_FAILED' });
    expect((err as Error).message).toContain('sshKeyFile');
  });
});
