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
});
