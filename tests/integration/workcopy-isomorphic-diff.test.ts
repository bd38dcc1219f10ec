import fs from 'node:fs';
import path from 'node:path';
import { GitFixture, FixtureRepo, git, makeTempDir } from '../helpers/git-fixture';
import { commitWorktree, nativeStatus, pushRawTree, referenceCheckout, snapshot } from '../helpers/tree-builder';
import { createBackend } from '../../lib/workcopy/create-backend';
import type { SyncRequest } from '../../lib/workcopy/core/git-backend';
import { targetEntries, TreeChange } from '../../lib/workcopy/core/tree-changes';
import { NativeDriver } from '../../lib/workcopy/native/native-backend';
import { isoDiffTrees } from '../../lib/workcopy/isomorphic/isomorphic-diff-trees';

/**
 * The isomorphic backend's update is diff-based (issue 16): its tree diff must say what
 * `git diff-tree -r -t` says, and an update must still refuse local changes anywhere in the
 * copy, not only on the paths the commit touches.
 */
describe('isomorphic diff-based update', () => {
  let fx: GitFixture;
  let root: string;
  const iso = createBackend('isomorphic');
  let n = 0;

  beforeAll(async () => {
    fx = await GitFixture.create();
    root = makeTempDir('ig-isodiff-');
  });
  afterAll(async () => {
    await fx.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  function setup(files: Record<string, string>): { repo: FixtureRepo; location: string; req: () => SyncRequest } {
    const repo = fx.createRepo(`isodiff${++n}`, files);
    const location = path.join(root, repo.name);
    const req = (): SyncRequest => ({
      repo: { name: repo.name, url: repo.url, insecure: true, pollInterval: 0, secretEnvNames: [] },
      location,
      branch: 'master',
      remote: 'origin',
      allowedRoots: [root],
    });
    return { repo, location, req };
  }

  const sorted = (changes: TreeChange[] | null): TreeChange[] | null => changes && [...changes].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  it('reports what git diff-tree reports, trees and kind changes included', async () => {
    const { repo } = setup({ 'README.md': 'r\n', 'a/b/c.txt': 'c\n', 'a/b/d.txt': 'd\n', 'gone/x.txt': 'x\n', 'f.txt': 'f\n', 'dir/y.txt': 'y\n', 'same/s.txt': 's\n' });
    const from = repo.head();
    const to = commitWorktree(repo, (w) => {
      fs.writeFileSync(path.join(w, 'a/b/c.txt'), 'c2\n');
      fs.rmSync(path.join(w, 'gone'), { recursive: true });
      fs.rmSync(path.join(w, 'f.txt'));
      fs.mkdirSync(path.join(w, 'f.txt'));
      fs.writeFileSync(path.join(w, 'f.txt/inner'), 'i\n');
      fs.rmSync(path.join(w, 'dir'), { recursive: true });
      fs.writeFileSync(path.join(w, 'dir'), 'now a file\n');
      fs.mkdirSync(path.join(w, 'new/deep'), { recursive: true });
      fs.writeFileSync(path.join(w, 'new/deep/n.txt'), 'n\n');
      fs.chmodSync(path.join(w, 'a/b/d.txt'), 0o755);
      fs.symlinkSync('README.md', path.join(w, 'link'));
    });
    const native = await new NativeDriver().diffTrees(repo.work, from, to);
    const ours = await isoDiffTrees(path.join(repo.work, '.git'), from, to);
    expect(sorted(ours)).toEqual(sorted(native));
    expect(ours?.some((c) => c.path.startsWith('same'))).toBe(false);
    // and back, and to itself
    expect(sorted(await isoDiffTrees(path.join(repo.work, '.git'), to, from))).toEqual(sorted(await new NativeDriver().diffTrees(repo.work, to, from)));
    expect(await isoDiffTrees(path.join(repo.work, '.git'), to, to)).toEqual([]);
  });

  it('is null when the target is not a commit', async () => {
    const { repo } = setup({ 'README.md': 'r\n' });
    const blob = repo.git(['rev-parse', 'HEAD:README.md']);
    expect(await isoDiffTrees(path.join(repo.work, '.git'), repo.head(), blob)).toBeNull();
  });

  it('reports both entries of a duplicated name, even when one equals HEAD', async () => {
    const { repo } = setup({ 'README.md': 'r\n', f: 'file\n' });
    const from = repo.head();
    const to = pushRawTree(repo, [{ path: 'README.md', content: 'r\n' }, { path: 'f', content: 'file\n' }, { path: 'f/y', content: 'y\n' }], 'dup');
    repo.git(['fetch', '-q', 'origin']);
    const changes = (await isoDiffTrees(path.join(repo.work, '.git'), from, to)) ?? [];
    expect(targetEntries(changes).filter((e) => e.path === 'f').map((e) => e.mode).sort()).toEqual(['040000', '100644']);
  });

  it('updates a copy to exactly the new commit and leaves unchanged files alone', async () => {
    const { repo, location, req } = setup({ 'README.md': 'r\n', 'keep/k.txt': 'k\n', 'a/b.txt': 'b\n', 'l.txt': 'l\n' });
    await iso.sync(req());
    const keepIno = fs.statSync(path.join(location, 'keep/k.txt')).ino;
    const to = commitWorktree(repo, (w) => {
      fs.writeFileSync(path.join(w, 'a/b.txt'), 'b2\n');
      fs.rmSync(path.join(w, 'l.txt'));
      fs.symlinkSync('keep/k.txt', path.join(w, 'l.txt'));
      fs.mkdirSync(path.join(w, 'a/new'));
      fs.writeFileSync(path.join(w, 'a/new/x.txt'), 'x\n');
    });
    await iso.sync(req());
    expect(git(location, ['rev-parse', 'HEAD'])).toBe(to);
    const ref = referenceCheckout(repo, to);
    expect(snapshot(location)).toEqual(snapshot(ref));
    fs.rmSync(path.dirname(ref), { recursive: true, force: true });
    expect(nativeStatus(location)).toBe('');
    expect(fs.statSync(path.join(location, 'keep/k.txt')).ino).toBe(keepIno);
  });

  it('still refuses an edit to a file the commit does not touch', async () => {
    const { repo, location, req } = setup({ 'README.md': 'r\n', 'other.txt': 'o\n' });
    await iso.sync(req());
    fs.writeFileSync(path.join(location, 'other.txt'), 'edited on the server\n');
    repo.commit({ 'README.md': 'r2\n' });
    await expect(iso.sync(req())).rejects.toMatchObject({ code: 'IG_WORKCOPY_DIRTY' });
    expect(fs.readFileSync(path.join(location, 'README.md'), 'utf8')).toBe('r\n');
  });

  it('still refuses a change staged with native git, which rewrites the index', async () => {
    const { repo, location, req } = setup({ 'README.md': 'r\n', 'other.txt': 'o\n' });
    await iso.sync(req());
    fs.writeFileSync(path.join(location, 'other.txt'), 'staged\n');
    // the disk equals the index: only the index against HEAD shows the change
    git(location, ['add', 'other.txt']);
    repo.commit({ 'README.md': 'r2\n' });
    await expect(iso.sync(req())).rejects.toMatchObject({ code: 'IG_WORKCOPY_DIRTY', data: { files: ['other.txt'] } });
    expect(fs.readFileSync(path.join(location, 'README.md'), 'utf8')).toBe('r\n');
  });
});
