import fs from 'node:fs';
import path from 'node:path';
import { GitFixture, FixtureRepo, git, makeTempDir } from '../helpers/git-fixture';
import { settingsFromObject } from '../../lib/settings/load-settings';
import type { Settings } from '../../lib/settings/types';
import { openStore, type Store } from '../../lib/store';
import { runDeployment } from '../../lib/deploy/run-deployment';
import { DeploymentEvents } from '../../lib/deploy/events';
import { createBackend } from '../../lib/workcopy/create-backend';
import { silentLogger } from '../../lib/log/logger';
import type { DeployRequest } from '../../lib/deploy/types';
import { CHECKED_REF, DEPLOYED_REF } from '../../lib/workcopy/core/git-driver';

/**
 * Issue 16: on the native backend an incremental deployment asks the remote once — the
 * deployed branch and the config branch in one `git fetch` into the working copy — and
 * keeps every config rule (a new config applies at once, an invalid one leaves the last
 * valid in force, a moved location is cloned afresh, local changes are refused untouched).
 */
describe('one git fetch for the code and the config (native backend)', () => {
  let fx: GitFixture;
  let root: string;
  let traceDir: string;
  let repo: FixtureRepo;
  let settings: Settings;
  let store: Store;
  const saved = process.env.GIT_CONFIG_GLOBAL;
  const location = (name = 'app') => path.join(root, 'www', name);
  const steps: string[] = [];

  beforeAll(async () => {
    fx = await GitFixture.create();
    traceDir = makeTempDir('ig-onefetch-trace-');
  });
  afterAll(async () => {
    await fx.close();
    fs.rmSync(traceDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    root = makeTempDir('ig-onefetch-');
    fs.mkdirSync(path.join(root, 'www'));
    repo = fx.createRepo(`one-${path.basename(root)}`, { 'index.html': 'v1\n', 'deploy.sh': '#!/bin/sh\necho "$A" > ../out-$INTEGRALGIT_COMMIT\n' });
    repo.git(['update-index', '--chmod=+x', 'deploy.sh']);
    repo.git(['commit', '-q', '-m', 'exec']);
    repo.git(['push', '-q', 'origin', 'HEAD:refs/heads/master']);
    repo.writeConfig({ configs: { base: { location: location(), branch: 'master', script: './deploy.sh', env: { A: 'one' } } } });
    settings = settingsFromObject(
      { dataDir: path.join(root, 'data'), hostname: 'web1', allowedRoots: [path.join(root, 'www')], git: 'native', repos: { app: { url: repo.url, secret: 's' } } },
      { file: path.join(root, 'settings.json'), baseDir: root, env: {} },
    );
    store = openStore(settings.dataDir);
    steps.length = 0;
    // the first deployment clones; the ones under test are incremental
    const first = await deploy();
    if (first.status !== 'succeeded') throw new Error(JSON.stringify(first));
  });
  afterEach(() => {
    store.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  function deploy(req: Partial<DeployRequest> = {}) {
    const events = new DeploymentEvents(silentLogger());
    events.subscribe((e) => {
      if (e.type === 'step') steps.push(e.text);
    });
    return runDeployment({ settings, store, logger: silentLogger(), backend: createBackend('native'), events }, { repo: 'app', trigger: 'webhook', pushedBranch: 'master', ...req });
  }

  /** The git subcommands run during `fn` (git trace2 through GIT_CONFIG_GLOBAL). */
  async function gitCommands(fn: () => Promise<unknown>): Promise<string[]> {
    return (await gitProcesses(fn)).filter((p) => !p.child).map((p) => p.name);
  }

  /** The trace2 events of every git process run during `fn`, in the order git wrote them. */
  async function traceEvents(fn: () => Promise<unknown>): Promise<Array<{ event: string; sid: string; time: string; argv?: string[] }>> {
    const target = path.join(traceDir, `t-${Date.now()}-${Math.random()}.json`);
    const config = path.join(traceDir, 'trace.gitconfig');
    fs.writeFileSync(config, `[trace2]\n\teventTarget = ${target}\n\teventBrief = false\n`);
    process.env.GIT_CONFIG_GLOBAL = config;
    try {
      await fn();
    } finally {
      if (saved === undefined) delete process.env.GIT_CONFIG_GLOBAL;
      else process.env.GIT_CONFIG_GLOBAL = saved;
    }
    return fs
      .readFileSync(target, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { event: string; sid: string; time: string; argv?: string[] });
  }

  function subcommand(argv: string[]): string {
    const args = argv.slice(1);
    let i = 0;
    while (args[i] === '-c' || args[i]?.startsWith('--')) i += args[i] === '-c' ? 2 : 1;
    return args[i] ?? path.basename(argv[0]);
  }

  /** Every git process started during `fn`, in order: its subcommand, start time, and whether git itself started it. */
  async function gitProcesses(fn: () => Promise<unknown>): Promise<Array<{ name: string; startMs: number; child: boolean }>> {
    const out: Array<{ name: string; startMs: number; child: boolean }> = [];
    for (const ev of await traceEvents(fn)) {
      if (ev.event === 'start' && ev.argv) out.push({ name: subcommand(ev.argv), startMs: Date.parse(ev.time), child: ev.sid.includes('/') });
    }
    return out;
  }

  /** The start and exit of each git process `fn` ran (not those git started), in the order trace2 wrote them. */
  async function gitEvents(fn: () => Promise<unknown>): Promise<{ event: 'start' | 'exit'; command: string }[]> {
    const bySid = new Map<string, string>();
    const events: { event: 'start' | 'exit'; command: string }[] = [];
    for (const ev of await traceEvents(fn)) {
      if (ev.sid.includes('/')) continue;
      if (ev.event === 'start' && ev.argv) {
        bySid.set(ev.sid, subcommand(ev.argv));
        events.push({ event: 'start', command: subcommand(ev.argv) });
      } else if (ev.event === 'exit' && bySid.has(ev.sid)) events.push({ event: 'exit', command: bySid.get(ev.sid)! });
    }
    return events;
  }

  it('fetches the code and the config in one git fetch, and deploys the pushed commit', async () => {
    const cfg = repo.writeConfig({ configs: { base: { location: location(), branch: 'master', script: './deploy.sh', env: { A: 'new' } } } });
    const next = repo.commit({ 'index.html': 'v2\n' });
    let outcome: Awaited<ReturnType<typeof deploy>> | undefined;
    const cmds = await gitCommands(async () => {
      outcome = await deploy();
    });
    expect(outcome).toMatchObject({ status: 'succeeded', commit: next });
    expect(cmds.filter((c) => c === 'fetch')).toHaveLength(1);
    // sync's diff is the one the prefetch started as its fetch ended, not a second one
    expect(cmds.filter((c) => c === 'diff-tree')).toHaveLength(1);
    expect(cmds.indexOf('diff-tree')).toBeGreaterThan(cmds.indexOf('fetch'));
    expect(steps).toContainEqual(expect.stringContaining('in one fetch'));
    expect(fs.readFileSync(path.join(location(), 'index.html'), 'utf8')).toBe('v2\n');
    expect(git(location(), ['rev-parse', 'origin/master'])).toBe(next);
    expect(store.getDeployment(outcome!.deploymentId)?.configCommit).toBe(cfg);
  });

  it("runs git's housekeeping (maintenance --auto) after the script, not inside the fetch before it", async () => {
    const next = repo.commit({ 'index.html': 'v2\n' });
    let outcome: Awaited<ReturnType<typeof deploy>> | undefined;
    const procs = await gitProcesses(async () => {
      outcome = await deploy();
    });
    expect(outcome).toMatchObject({ status: 'succeeded', commit: next });
    const top = procs.filter((p) => !p.child);
    expect(top.filter((p) => p.name === 'fetch')).toHaveLength(1);
    expect(procs.filter((p) => p.child && p.name === 'maintenance')).toHaveLength(0);
    expect(top[top.length - 1].name).toBe('maintenance');
    const scriptRan = fs.statSync(path.join(root, 'www', `out-${next}`)).mtimeMs;
    expect(top[top.length - 1].startMs).toBeGreaterThanOrEqual(Math.floor(scriptRan));
  });

  it('applies a config pushed with the code at once, and keeps the last valid one when the new one is invalid', async () => {
    const cfg2 = repo.writeConfig({ configs: { base: { location: location(), branch: 'master', script: './deploy.sh', env: { A: 'two' } } } });
    const c2 = repo.commit({ 'index.html': 'v2\n' });
    const first = await deploy();
    expect(first).toMatchObject({ status: 'succeeded', commit: c2 });
    expect(store.getDeployment(first.deploymentId)?.configCommit).toBe(cfg2);
    expect(fs.readFileSync(path.join(root, 'www', `out-${c2}`), 'utf8')).toBe('two\n');

    const bad = repo.writeConfig({ configs: { base: { location: 42 } } });
    const c3 = repo.commit({ 'index.html': 'v3\n' });
    const second = await deploy();
    expect(second).toMatchObject({ status: 'succeeded', commit: c3 });
    expect(store.getDeployment(second.deploymentId)?.configCommit).toBe(cfg2);
    expect(store.latestConfigVersion('app')).toMatchObject({ commit: bad, valid: false });
  });

  it('deploys to the new location when the config moves it, leaving the old copy as it was', async () => {
    const before = git(location(), ['rev-parse', 'HEAD']);
    repo.writeConfig({ configs: { base: { location: location('moved'), branch: 'master' } } });
    const next = repo.commit({ 'index.html': 'v2\n' });
    expect(await deploy()).toMatchObject({ status: 'succeeded', commit: next });
    expect(git(location('moved'), ['rev-parse', 'HEAD'])).toBe(next);
    expect(git(location(), ['rev-parse', 'HEAD'])).toBe(before);
  });

  it('refuses a copy with local changes without touching its files, whatever the fetch brought', async () => {
    fs.writeFileSync(path.join(location(), 'index.html'), 'edited on the host\n');
    repo.commit({ 'index.html': 'v2\n' });
    const outcome = await deploy();
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'IG_WORKCOPY_DIRTY' });
    expect(fs.readFileSync(path.join(location(), 'index.html'), 'utf8')).toBe('edited on the host\n');
  });

  it('runs the worktree scan (git status) once, started before the one fetch ends', async () => {
    const next = repo.commit({ 'index.html': 'v2\n' });
    let outcome: Awaited<ReturnType<typeof deploy>> | undefined;
    const events = await gitEvents(async () => {
      outcome = await deploy();
    });
    expect(outcome).toMatchObject({ status: 'succeeded', commit: next });
    const at = (event: string, command: string) => events.findIndex((e) => e.event === event && e.command === command);
    expect(events.filter((e) => e.event === 'start' && e.command === 'status')).toHaveLength(1);
    expect(at('start', 'status')).toBeGreaterThanOrEqual(0);
    expect(at('start', 'status')).toBeLessThan(at('exit', 'fetch'));
  });

  it('finds no local commit in a clean copy whose remote rewrote history: the walk reads the refs before the fetch moves them', async () => {
    // without refs of ours on HEAD (a copy git cloned) the "local commits not on the remote"
    // check walks from the tracking ref: read after the one fetch moved it to an unrelated
    // commit, HEAD was unreachable from it and the clean copy was refused
    git(location(), ['update-ref', '-d', DEPLOYED_REF]);
    git(location(), ['update-ref', '-d', CHECKED_REF]);
    const rewritten = git(repo.bare, ['commit-tree', 'master^{tree}', '-m', 'history rewritten']);
    git(repo.bare, ['update-ref', 'refs/heads/master', rewritten]);
    expect(await deploy()).toMatchObject({ status: 'succeeded', commit: rewritten });
    expect(steps).toContainEqual(expect.stringContaining('in one fetch'));
    expect(git(location(), ['rev-parse', 'HEAD'])).toBe(rewritten);
  });

  it('takes the ordinary path when the config branch is gone: the last valid config stays in force', async () => {
    repo.git(['push', '-q', 'origin', ':refs/heads/integralgit']);
    const next = repo.commit({ 'index.html': 'v2\n' });
    expect(await deploy()).toMatchObject({ status: 'succeeded', commit: next });
    expect(steps).not.toContainEqual(expect.stringContaining('in one fetch'));
  });
});
