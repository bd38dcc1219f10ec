import { GitFixture } from '../helpers/git-fixture';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('git fixture served by git http-backend', () => {
  let fx: GitFixture;
  beforeAll(async () => {
    fx = await GitFixture.create();
  });
  afterAll(() => fx.close());

  it('serves a repository that real git can ls-remote over HTTP', async () => {
    const repo = fx.createRepo('app');
    const sha = repo.commit({ 'a.txt': 'a' }, 'add a');
    repo.writeConfig({ configs: { base: { location: '/tmp/x' } } });
    const { stdout } = await run('git', ['ls-remote', repo.url]);
    expect(stdout).toContain(`${sha}\trefs/heads/master`);
    expect(stdout).toContain('refs/heads/integralgit');
  });

  it('makeExecutable commits the executable bit and pushes it to the remote branch', () => {
    const repo = fx.createRepo('exec', { 'deploy.sh': '#!/bin/sh\necho hi\n', 'build.sh': '#!/bin/sh\n' });
    const sha = repo.makeExecutable(['deploy.sh', 'build.sh']);
    expect(repo.git(['--git-dir', repo.bare, 'rev-parse', 'refs/heads/master'])).toBe(sha);
    const modes = repo.git(['--git-dir', repo.bare, 'ls-tree', 'master']);
    expect(modes).toMatch(/^100755 blob \w+\tbuild\.sh$/m);
    expect(modes).toMatch(/^100755 blob \w+\tdeploy\.sh$/m);
    expect(repo.git(['log', '-1', '--format=%s'])).toBe('make deploy.sh, build.sh executable');
  });
});
