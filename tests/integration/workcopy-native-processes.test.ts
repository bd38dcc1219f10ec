import fs from 'node:fs';
import path from 'node:path';
import { GitFixture, FixtureRepo, git, makeTempDir } from '../helpers/git-fixture';
import { createBackend } from '../../lib/workcopy/create-backend';
import type { SyncRequest } from '../../lib/workcopy/core/git-backend';
import { CHECKED_REF } from '../../lib/workcopy/core/git-driver';
import { NativeDriver } from '../../lib/workcopy/native/native-backend';
import { IntegralGitError } from '../../lib/errors';

/**
 * Which git commands a native deployment runs (git trace2, switched on through
 * GIT_CONFIG_GLOBAL, which the backend passes through). Each process costs a few ms of
 * start-up, so an update must not list the whole tree or index, nor re-read what it has.
 */
describe('git processes of a native deployment', () => {
  let fx: GitFixture;
  let root: string;
  let traceDir: string;
  const saved = process.env.GIT_CONFIG_GLOBAL;
  const backend = createBackend('native');

  beforeAll(async () => {
    fx = await GitFixture.create();
    root = makeTempDir('ig-proc-');
    traceDir = makeTempDir('ig-trace-');
  });
  afterAll(async () => {
    process.env.GIT_CONFIG_GLOBAL = saved;
    if (saved === undefined) delete process.env.GIT_CONFIG_GLOBAL;
    await fx.close();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(traceDir, { recursive: true, force: true });
  });

  function req(repo: FixtureRepo, location: string, over: Partial<SyncRequest> = {}): SyncRequest {
    return {
      repo: { name: repo.name, url: repo.url, insecure: true, pollInterval: 0, secretEnvNames: [] },
      location,
      branch: 'master',
      remote: 'origin',
      allowedRoots: [root],
      ...over,
    };
  }

  /** The git subcommands `run` spawned, in start order (git's own children left out). */
  async function traced(run: () => Promise<unknown>): Promise<string[]> {
    const target = path.join(traceDir, `trace-${Date.now()}-${Math.random()}.json`);
    const config = path.join(traceDir, 'trace.gitconfig');
    fs.writeFileSync(config, `[trace2]\n\teventTarget = ${target}\n\teventBrief = false\n`);
    process.env.GIT_CONFIG_GLOBAL = config;
    try {
      await run();
    } finally {
      process.env.GIT_CONFIG_GLOBAL = saved;
      if (saved === undefined) delete process.env.GIT_CONFIG_GLOBAL;
    }
    const starts: Array<{ time: string; name: string }> = [];
    for (const line of fs.readFileSync(target, 'utf8').split('\n')) {
      if (!line) continue;
      const ev = JSON.parse(line) as { event: string; sid: string; time: string; argv?: string[] };
      if (ev.event !== 'start' || ev.sid.includes('/') || !ev.argv) continue;
      const args = ev.argv.slice(1);
      let i = 0;
      while (args[i] === '-c' || args[i]?.startsWith('--')) i += args[i] === '-c' ? 2 : 1;
      starts.push({ time: ev.time, name: args[i] });
    }
    return starts.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0)).map((s) => s.name);
  }

  it('updates a copy with four processes: the config and refs read from its files, one reset --keep, its own refs written as files; neither the tree nor the index listed', async () => {
    const repo = fx.createRepo('proc-a', { 'README.md': 'one\n', 'src/a.js': 'a\n' });
    const location = path.join(root, 'a');
    await backend.sync(req(repo, location));
    const next = repo.commit({ 'src/a.js': 'b\n' });
    let commit = '';
    const cmds = await traced(async () => {
      commit = (await backend.sync(req(repo, location))).commit;
    });
    expect(commit).toBe(next);
    expect(cmds).toEqual(['status', 'fetch', 'diff-tree', 'reset']);
    expect(git(location, ['rev-parse', 'HEAD', 'master', CHECKED_REF, 'refs/integralgit/deployed'])).toBe([next, next, next, next].join('\n'));
    expect(git(location, ['symbolic-ref', 'HEAD'])).toBe('refs/heads/master');
    expect(git(location, ['status', '--porcelain'])).toBe('');
  });

  it('asks git for the config and refs when the files are not the plain kind (packed refs, an include)', async () => {
    const repo = fx.createRepo('proc-d', { 'README.md': 'one\n' });
    const location = path.join(root, 'd');
    await backend.sync(req(repo, location));
    git(location, ['pack-refs', '--all']);
    repo.commit({ 'README.md': 'packed\n' });
    const packedRun = await traced(() => backend.sync(req(repo, location)));
    // the packed refs were read from packed-refs: HEAD is ours, nothing unpublished to ask rev-list for
    expect(packedRun).not.toContain('for-each-ref');
    expect(packedRun).not.toContain('rev-list');
    fs.appendFileSync(path.join(location, '.git', 'config'), `[include]\n\tpath = ${path.join(location, '.git', 'extra-config')}\n`);
    fs.writeFileSync(path.join(location, '.git', 'extra-config'), '');
    const next = repo.commit({ 'README.md': 'two\n' });
    const cmds = await traced(async () => expect((await backend.sync(req(repo, location))).commit).toBe(next));
    expect(cmds).toContain('config');
    expect(cmds).toContain('for-each-ref');
    expect(cmds).not.toContain('rev-list');
    // a packed ref read from the file, and a loose one written over it later
    repo.commit({ 'README.md': 'three\n' });
    expect((await backend.sync(req(repo, location))).previousCommit).toBe(next);
  });

  it('reads the whole tree for the safety check when HEAD has no checked marker, and never the index', async () => {
    const repo = fx.createRepo('proc-b', { 'README.md': 'one\n' });
    const location = path.join(root, 'b');
    await backend.sync(req(repo, location));
    repo.commit({ 'README.md': 'two\n' });
    // a copy deployed before the checked marker existed (or under older rules)
    git(location, ['update-ref', '-d', CHECKED_REF]);
    const cmds = await traced(() => backend.sync(req(repo, location)));
    expect(cmds).toContain('diff-tree');
    expect(cmds).toContain('ls-tree');
    expect(cmds).not.toContain('ls-files');
    expect(cmds).not.toContain('branch');
  });

  it('refuses, writing nothing, a file that changed after the check and before the update (reset --keep), as a local change', async () => {
    const repo = fx.createRepo('proc-e', { 'README.md': 'one\n', 'keep.txt': 'k\n' });
    const location = path.join(root, 'e');
    await backend.sync(req(repo, location));
    const before = git(location, ['rev-parse', 'HEAD']);
    const next = repo.commit({ 'README.md': 'two\n', 'new.txt': 'n\n' });
    const driver = new NativeDriver();
    const ctx = { repo: req(repo, location).repo, branch: 'master', remote: 'origin' };
    await driver.fetch(location, ctx);
    const changes = await driver.diffTrees(location, before, next);
    // the edit lands between the status that found the copy clean and the update
    fs.writeFileSync(path.join(location, 'README.md'), 'edited meanwhile\n');
    const err = await driver.checkout(location, ctx, next, { changes: changes ?? undefined, submodules: false, upstreamSet: true }, () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegralGitError);
    expect((err as IntegralGitError).code).toBe('IG_WORKCOPY_DIRTY');
    expect((err as IntegralGitError).message).toMatch(/^working copy has local changes: README\.md\./);
    expect(fs.readFileSync(path.join(location, 'README.md'), 'utf8')).toBe('edited meanwhile\n');
    expect(fs.existsSync(path.join(location, 'new.txt'))).toBe(false);
    expect(git(location, ['rev-parse', 'HEAD'])).toBe(before);
  });

  it('starts the worktree scan only once the one-fetch path has handed git its fetch (readLocalState scanAfter)', async () => {
    const repo = fx.createRepo('proc-f', { 'README.md': 'one\n' });
    const location = path.join(root, 'f');
    await backend.sync(req(repo, location));
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const read = await new NativeDriver().readLocalState(location, 'master', gate);
    await read.refsRead;
    let settled = false;
    void read.local.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    release();
    expect(await read.local).toMatchObject({ head: repo.head(), changed: [], unpublished: [] });
  });

  it('sets the upstream when it is missing', async () => {
    const repo = fx.createRepo('proc-c', { 'README.md': 'one\n' });
    const location = path.join(root, 'c');
    await backend.sync(req(repo, location));
    repo.commit({ 'README.md': 'two\n' });
    git(location, ['config', '--unset', 'branch.master.merge']);
    const cmds = await traced(() => backend.sync(req(repo, location)));
    expect(cmds).toContain('branch');
    expect(git(location, ['rev-parse', '--abbrev-ref', 'master@{upstream}'])).toBe('origin/master');
  });
});
