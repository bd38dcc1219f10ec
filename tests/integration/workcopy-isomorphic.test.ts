import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { GitFixture, FixtureRepo, git, makeTempDir } from '../helpers/git-fixture';
import { nativeStatus, referenceCheckout, snapshot } from '../helpers/tree-builder';
import { createBackend } from '../../lib/workcopy/create-backend';
import type { SyncRequest } from '../../lib/workcopy/core/git-backend';
import { MAX_PACKS, packCount, packIndexOids } from '../../lib/workcopy/isomorphic/isomorphic-compact';
import { IntegralGitError } from '../../lib/errors';

/** What only the isomorphic backend has to get right: git-compatible copies, no pack pile-up, HTTPS only. */
describe('isomorphic backend specifics', () => {
  let fx: GitFixture;
  let root: string;
  const iso = createBackend('isomorphic');
  const native = createBackend('native');
  let n = 0;

  beforeAll(async () => {
    fx = await GitFixture.create();
    root = makeTempDir('ig-iso-');
  });
  afterAll(async () => {
    await fx.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  function setup(): { repo: FixtureRepo; location: string; req: (over?: Partial<SyncRequest>) => SyncRequest } {
    const repo = fx.createRepo(`iso${++n}`, { 'README.md': 'r\n' });
    const location = path.join(root, repo.name);
    const req = (over: Partial<SyncRequest> = {}): SyncRequest => ({
      repo: { name: repo.name, url: repo.url, insecure: true, pollInterval: 0, secretEnvNames: [] },
      location,
      branch: 'master',
      remote: 'origin',
      allowedRoots: [root],
      ...over,
    });
    return { repo, location, req };
  }

  function expectCheckoutOf(repo: FixtureRepo, location: string, commit: string): void {
    const ref = referenceCheckout(repo, commit);
    expect(snapshot(location)).toEqual(snapshot(ref));
    fs.rmSync(path.dirname(ref), { recursive: true, force: true });
    expect(nativeStatus(location)).toBe('');
  }

  it('leaves a config native git reads right (filemode, symlinks, case)', async () => {
    const { location, req } = setup();
    await iso.sync(req());
    expect(git(location, ['config', '--bool', 'core.filemode'])).toBe('true');
    expect(git(location, ['config', '--bool', 'core.symlinks'])).toBe('true');
    expect(git(location, ['config', '--bool', 'core.ignorecase'])).toBe('false');
    expect(git(location, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe('master');
    expect(git(location, ['rev-parse', '--abbrev-ref', 'master@{upstream}'])).toBe('origin/master');
  });

  it('does not pile up packs: past the limit they are compacted, and the copy stays whole', async () => {
    const { repo, location, req } = setup();
    await iso.sync(req());
    const gitdir = path.join(location, '.git');
    let max = 0;
    for (let i = 0; i < MAX_PACKS + 6; i++) {
      repo.commit({ [`f${i}.txt`]: `${i}\n`, 'README.md': `r${i}\n` });
      await iso.sync(req());
      max = Math.max(max, await packCount(gitdir));
    }
    expect(max).toBeLessThanOrEqual(MAX_PACKS + 1);
    expect(await packCount(gitdir)).toBeLessThanOrEqual(MAX_PACKS);
    git(location, ['fsck', '--no-dangling', '--no-progress']);
    expectCheckoutOf(repo, location, repo.head());
    // fetching on top of the compacted, shallow copy still works, force-pushes too
    repo.git(['reset', '-q', '--hard', 'HEAD~3']);
    const rewritten = repo.commit({ 'new.txt': 'n\n' }, 'rewritten');
    await iso.sync(req());
    expectCheckoutOf(repo, location, rewritten);
  });

  it('merges only the packs fetched since the last compaction while they are small beside the largest', async () => {
    const { repo, location, req } = setup();
    const big: Record<string, string> = {};
    for (let i = 0; i < 300; i++) big[`data/f${i}.bin`] = crypto.randomBytes(1024).toString('base64');
    repo.commit(big, 'big base');
    await iso.sync(req());
    const gitdir = path.join(location, '.git');
    const packDir = path.join(gitdir, 'objects', 'pack');
    const largest = (): string =>
      fs
        .readdirSync(packDir)
        .filter((n) => n.endsWith('.pack'))
        .sort((a, b) => fs.statSync(path.join(packDir, b)).size - fs.statSync(path.join(packDir, a)).size)[0];
    const base = largest();
    const shallow = fs.readFileSync(path.join(gitdir, 'shallow'), 'utf8');
    for (let i = 0; i < MAX_PACKS + 3; i++) {
      repo.commit({ 'README.md': `r${i}\n` });
      await iso.sync(req());
      expect(await packCount(gitdir)).toBeLessThanOrEqual(MAX_PACKS);
    }
    // the clone's pack was never rewritten, and the shallow boundary stayed where the clone put it
    expect(largest()).toBe(base);
    expect(fs.readFileSync(path.join(gitdir, 'shallow'), 'utf8')).toBe(shallow);
    git(location, ['fsck', '--no-dangling', '--no-progress']);
    expectCheckoutOf(repo, location, repo.head());
    for (const idx of fs.readdirSync(packDir).filter((n) => n.endsWith('.idx'))) {
      const listed = execFileSync('git', ['show-index'], { cwd: location, input: fs.readFileSync(path.join(packDir, idx)), encoding: 'utf8' })
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[1])
        .sort();
      expect(packIndexOids(fs.readFileSync(path.join(packDir, idx)))?.sort()).toEqual(listed);
    }
    // a dozen deployments of a 300-file repository: slow on a shared machine
  }, 180_000);

  it('rolls back to a commit older than what the compacted copy holds', async () => {
    const { repo, location, req } = setup();
    const old = repo.commit({ 'v.txt': 'old\n' });
    await iso.sync(req());
    for (let i = 0; i < MAX_PACKS + 2; i++) {
      repo.commit({ 'v.txt': `${i}\n` });
      await iso.sync(req());
    }
    await iso.sync(req({ targetCommit: old }));
    expectCheckoutOf(repo, location, old);
  });

  it('takes over a copy made by the native backend, and hands it back', async () => {
    const { repo, location, req } = setup();
    await native.sync(req());
    const second = repo.commit({ 'a.txt': 'a\n' });
    await iso.sync(req());
    expectCheckoutOf(repo, location, second);
    const third = repo.commit({ 'a.txt': 'b\n', 'dir/c.txt': 'c\n' });
    await native.sync(req());
    expectCheckoutOf(repo, location, third);
    fs.writeFileSync(path.join(location, 'a.txt'), 'edited by hand\n');
    repo.commit({ 'a.txt': 'c\n' });
    await expect(iso.sync(req())).rejects.toMatchObject({ code: 'IG_WORKCOPY_DIRTY' });
  });

  it('refuses SSH and local remotes, pointing at the native backend', async () => {
    const { req } = setup();
    for (const url of ['git@github.com:acme/app.git', 'ssh://git@host/acme/app.git', '/srv/git/app.git']) {
      const r = req();
      const err = await iso.sync({ ...r, repo: { ...r.repo, url } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IntegralGitError);
      expect((err as IntegralGitError).code).toBe('IG_SETTINGS_INVALID');
      expect((err as IntegralGitError).message).toContain('"git": "native"');
      await expect(iso.remoteHead({ ...r.repo, url }, 'master')).rejects.toMatchObject({ code: 'IG_SETTINGS_INVALID' });
    }
  });
});
