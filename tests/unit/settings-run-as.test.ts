import { IntegralGitError } from '../../lib/errors';
import { settingsFromObject } from '../../lib/settings/load-settings';
import { removeTempDirs, tempDir } from '../fixtures/settings/write-settings';

afterAll(removeTempDirs);

// root and nogroup exist on every Debian system (getent, or /etc/passwd and /etc/group)
const url = 'https://git.example.com/acme/app.git';
const load = (repo: Record<string, unknown>, top: Record<string, unknown> = {}) =>
  settingsFromObject({ ...top, repos: { app: { url, secret: 'hook', ...repo } } }, { file: '<test>', baseDir: tempDir(), env: {}, detectGit: () => ({ found: true }) });

function problems(repo: Record<string, unknown>, top: Record<string, unknown> = {}): Array<{ path: string; message: string }> {
  try {
    load(repo, top);
  } catch (err) {
    expect((err as IntegralGitError).code).toBe('IG_SETTINGS_INVALID');
    return (err as IntegralGitError).data.problems as Array<{ path: string; message: string }>;
  }
  throw new Error('expected IG_SETTINGS_INVALID');
}

describe('runAs per repo (SPEC §12)', () => {
  it('resolves user and group to numeric ids and the home directory', () => {
    const s = load({ runAs: { user: 'root', group: 'nogroup' } });
    expect(s.repos.app.runAs).toEqual({ user: 'root', group: 'nogroup', uid: 0, gid: 65534, home: '/root' });
    expect(s.warnings?.join('\n')).toMatch(/repos\.app\.runAs: user root is root/);
  });

  it('an unknown user or group is a settings problem at its key', () => {
    const found = problems({ runAs: { user: 'no-such-user-ig', group: 'no-such-group-ig' } });
    expect(found).toEqual(
      expect.arrayContaining([
        { path: '/repos/app/runAs/user', message: expect.stringContaining('"no-such-user-ig" does not exist') },
        { path: '/repos/app/runAs/group', message: expect.stringContaining('"no-such-group-ig" does not exist') },
      ]),
    );
  });

  it('needs both keys and nothing else', () => {
    expect(problems({ runAs: { user: 'root' } }).map((p) => p.path)).toEqual(['/repos/app/runAs/group']);
    expect(problems({ runAs: { user: 'root', group: 'root', uid: 0 } }).length).toBeGreaterThan(0);
  });

  it('is refused with the isomorphic backend, which cannot switch users', () => {
    expect(problems({ runAs: { user: 'root', group: 'root' } }, { git: 'isomorphic' })).toEqual([
      { path: '/repos/app/runAs', message: expect.stringContaining('needs "git": "native"') },
    ]);
  });
});
