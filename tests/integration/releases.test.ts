import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { RepoSettings } from '../../lib/settings/types';
import { releaseLayout, isReleaseName } from '../../lib/releases/release-layout';
import { fetchReleaseCache } from '../../lib/releases/fetch-release-cache';
import { prepareRelease } from '../../lib/releases/prepare-release';
import { currentRelease, switchCurrent } from '../../lib/releases/switch-current';
import { cleanupReleases, listReleases } from '../../lib/releases/cleanup-releases';
import { GitFixture, git, makeTempDir, type FixtureRepo } from '../helpers/git-fixture';
import { pushRawTree } from '../helpers/tree-builder';

// real git fetches and checkouts; on a loaded CI machine a few of them take a while
jest.setTimeout(180_000);

let fx: GitFixture;
let repo: FixtureRepo;
let settings: RepoSettings;
let root: string;

beforeAll(async () => {
  fx = await GitFixture.create();
  repo = fx.createRepo('app', { 'version.txt': 'v1\n', 'storage/.keep': '' });
  settings = { name: 'app', url: repo.url, insecure: true, pollInterval: 0, secretEnvNames: [] };
});
afterAll(async () => fx.close());
beforeEach(() => {
  root = makeTempDir('ig-releases-');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

async function release(location: string, opts: { shared?: string[]; now?: Date; targetCommit?: string } = {}) {
  const layout = releaseLayout(location);
  const commit = await fetchReleaseCache({ repo: settings, cache: layout.cache, branch: 'master', targetCommit: opts.targetCommit });
  return { layout, commit, ...(await prepareRelease({ layout, commit, shared: opts.shared, now: opts.now })) };
}

describe('releases: prepare, share, switch, clean up', () => {
  it('checks the commit out into releases/<yyyymmddHHMMSS>-<sha12>/ sharing the cache objects, links shared entries, switches current', async () => {
    const location = path.join(root, 'app');
    fs.mkdirSync(path.join(location, 'shared', 'storage'), { recursive: true });
    fs.writeFileSync(path.join(location, 'shared', 'storage', 'upload.bin'), 'kept across releases');
    fs.mkdirSync(path.join(location, 'shared', 'config'));
    fs.writeFileSync(path.join(location, 'shared', 'config', '.env'), 'SECRET=1\n');
    const r = await release(location, { shared: ['storage', 'config/.env'], now: new Date('2026-01-07T03:15:00Z') });
    expect(r.name).toBe(`20260107031500-${r.commit.slice(0, 12)}`);
    expect(isReleaseName(r.name)).toBe(true);
    expect(fs.readFileSync(path.join(r.dir, 'version.txt'), 'utf8')).toBe('v1\n');
    // objects stay in the cache: the release has a .git file, not a repository of its own
    expect(fs.statSync(path.join(r.dir, '.git')).isFile()).toBe(true);
    expect(fs.readlinkSync(path.join(r.dir, 'storage'))).toBe('../../shared/storage');
    expect(fs.readlinkSync(path.join(r.dir, 'config', '.env'))).toBe('../../../shared/config/.env');
    expect(fs.readFileSync(path.join(r.dir, 'storage', 'upload.bin'), 'utf8')).toBe('kept across releases');
    expect(fs.readFileSync(path.join(r.dir, 'config', '.env'), 'utf8')).toBe('SECRET=1\n');
    expect(await currentRelease(r.layout)).toBeNull();
    const sw = await switchCurrent(r.layout, r.name);
    expect(sw.previous).toBeNull();
    expect(fs.readlinkSync(r.layout.current)).toBe(`releases/${r.name}`);
    expect(fs.readFileSync(path.join(r.layout.current, 'version.txt'), 'utf8')).toBe('v1\n');
    // the same commit again in the same second gets the next second, never the same directory
    const again = await release(location, { now: new Date('2026-01-07T03:15:00Z') });
    expect(again.name).toBe(`20260107031501-${r.commit.slice(0, 12)}`);
  });

  it('cleanup keeps `keep` newest, and never the current one nor a protected one (the last that passed)', async () => {
    const location = path.join(root, 'app');
    const names: string[] = [];
    const layout = releaseLayout(location);
    // one fetch, six releases of it: cleanup looks only at names and links
    const commit = await fetchReleaseCache({ repo: settings, cache: layout.cache, branch: 'master' });
    for (let i = 0; i < 6; i++) names.push((await prepareRelease({ layout, commit, now: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) })).name);
    await switchCurrent(layout, names[1]);
    const removed = await cleanupReleases(layout, 2, [names[0]]);
    expect(removed).toEqual([names[2], names[3]]);
    expect(await listReleases(layout)).toEqual([names[0], names[1], names[4], names[5]]);
    // the cache forgot the removed worktrees
    expect(git(layout.cache, ['worktree', 'list', '--porcelain']).match(/^worktree /gm)).toHaveLength(1 + 4);
  });

  it('a rollback target commit in the history is checked out; one that is not is a clear fetch error', async () => {
    const location = path.join(root, 'app');
    const first = repo.head();
    repo.commit({ 'version.txt': 'v2\n' });
    const r = await release(location, { targetCommit: first });
    expect(r.commit).toBe(first);
    expect(fs.readFileSync(path.join(r.dir, 'version.txt'), 'utf8')).toBe('v1\n');
    await expect(release(location, { targetCommit: 'f'.repeat(40) })).rejects.toMatchObject({ code: 'IG_FETCH_FAILED' });
  });

  it('refuses an unsafe tree, a shared entry behind a repository symlink, a missing shared target, and a location that is an in-place copy; nothing is left behind', async () => {
    const location = path.join(root, 'app');
    fs.mkdirSync(path.join(location, 'shared'), { recursive: true });
    await expect(release(location, { shared: ['missing'] })).rejects.toMatchObject({ code: 'IG_RELEASE_FAILED', message: expect.stringContaining('does not exist') });
    expect(await listReleases(releaseLayout(location))).toEqual([]);

    const head = repo.head();
    pushRawTree(repo, [{ path: 'version.txt', content: 'v3\n' }, { path: 'config', mode: '120000', content: 'version.txt' }], 'config is a symlink');
    fs.mkdirSync(path.join(location, 'shared', 'config'));
    fs.writeFileSync(path.join(location, 'shared', 'config', '.env'), 'x');
    await expect(release(location, { shared: ['config/.env'] })).rejects.toMatchObject({ code: 'IG_RELEASE_FAILED', message: expect.stringContaining('not a directory') });
    expect(await listReleases(releaseLayout(location))).toEqual([]);

    pushRawTree(repo, [{ path: 'escape', mode: '120000', content: '../../../../etc/passwd' }], 'symlink out');
    await expect(release(location)).rejects.toMatchObject({ code: 'IG_TREE_UNSAFE' });
    repo.git(['push', '-q', '-f', 'origin', `${head}:refs/heads/master`]);

    const inPlace = path.join(root, 'inplace');
    git(root, ['clone', '-q', repo.bare, inPlace]);
    await expect(release(inPlace)).rejects.toMatchObject({ code: 'IG_RELEASE_FAILED', message: expect.stringContaining('in-place working copy') });
  });
});

describe('switching current is atomic', () => {
  it('a reader resolving current in a tight loop during 300 switches never sees a missing or partial target', async () => {
    const location = path.join(root, 'app');
    repo.commit({ 'version.txt': 'A\n' });
    const a = await release(location, { now: new Date(Date.UTC(2026, 0, 1, 0, 0, 0)) });
    repo.commit({ 'version.txt': 'B\n' });
    const b = await release(location, { now: new Date(Date.UTC(2026, 0, 1, 0, 0, 1)) });
    await switchCurrent(a.layout, a.name);
    // a separate process, so the reads race the renames for real
    const reader = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'); const p = process.argv[1] + '/version.txt'; let ok = 0, bad = [];
         process.on('SIGTERM', () => { process.stdout.write(JSON.stringify({ ok, bad: bad.slice(0, 5), badCount: bad.length })); process.exit(0); });
         (function loop() { for (let i = 0; i < 200; i++) { try { const t = fs.readFileSync(p, 'utf8'); if (t === 'A\\n' || t === 'B\\n') ok++; else bad.push('content ' + JSON.stringify(t)); } catch (e) { bad.push(e.code); } } setImmediate(loop); })();
         process.stdout.write('ready\\n');`,
        a.layout.current,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    reader.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve) => reader.stdout.once('data', () => resolve()));
    const times: number[] = [];
    for (let i = 0; i < 300; i++) times.push((await switchCurrent(a.layout, i % 2 === 0 ? b.name : a.name)).ms);
    const exited = new Promise((resolve) => reader.once('exit', resolve));
    reader.kill('SIGTERM');
    await exited;
    const result = JSON.parse(out.replace(/^ready\n/, '')) as { ok: number; bad: string[]; badCount: number };
    expect(result.badCount).toBe(0);
    expect(result.ok).toBeGreaterThan(1000);
    expect(fs.readlinkSync(a.layout.current)).toBe(`releases/${a.name}`);
    times.sort((x, y) => x - y);
    // a switch is a symlink, a rename and a directory fsync: milliseconds at most
    expect(times[Math.floor(times.length / 2)]).toBeLessThan(50);
  });
});
