import { matchRepo } from '../../lib/webhooks/match-repo';
import { repoMatchKey as normalizeRepoUrl } from '../../lib/remote-url';
import { repo } from '../fixtures/providers/fixture-request';

describe('normalizeRepoUrl', () => {
  it.each([
    'https://github.com/acme/myapp',
    'https://github.com/acme/myapp.git',
    'https://github.com/acme/myapp.git/',
    'https://user:token@GitHub.com/acme/myapp.git',
    'http://github.com:8080/acme/myapp',
    'git@github.com:acme/myapp.git',
    'github.com:acme/myapp',
    'ssh://git@github.com/acme/myapp.git',
    'ssh://git@github.com:22/acme/myapp',
    'git+ssh://deploy@github.com/acme/myapp.git',
    'git://github.com/acme/myapp.git',
    'https://github.com//acme/MyApp.git',
    'https://github.com/acme/my%61pp',
  ])('%s → github.com/acme/myapp', (url) => {
    expect(normalizeRepoUrl(url)).toBe('github.com/acme/myapp');
  });

  it('keeps nested groups and Bitbucket Server paths', () => {
    expect(normalizeRepoUrl('https://gitlab.example.com/group/sub/project.git')).toBe('gitlab.example.com/group/sub/project');
    expect(normalizeRepoUrl('ssh://git@bitbucket.example.com:7999/proj/repo.git')).toBe('bitbucket.example.com/proj/repo');
    expect(normalizeRepoUrl('https://bitbucket.example.com/scm/proj/repo.git')).toBe('bitbucket.example.com/scm/proj/repo');
  });

  it('handles IPv6 hosts', () => {
    expect(normalizeRepoUrl('http://[::1]:8080/acme/myapp.git')).toBe('[::1]/acme/myapp');
  });

  it('returns undefined for what is not a URL', () => {
    expect(normalizeRepoUrl('acme/myapp')).toBeUndefined();
    expect(normalizeRepoUrl('/srv/git/myapp.git')).toBeUndefined();
    expect(normalizeRepoUrl('')).toBeUndefined();
    expect(normalizeRepoUrl('https://')).toBeUndefined();
  });
});

describe('matchRepo', () => {
  const repos = {
    myapp: repo('myapp', 'https://github.com/acme/myapp.git'),
    internal: repo('internal', 'git@git.example.com:ops/internal.git'),
    nested: repo('nested', 'https://gitlab.example.com/group/sub/project.git'),
  };

  it('matches by any clone or web URL', () => {
    expect(matchRepo(['git@github.com:acme/myapp.git'], repos)?.name).toBe('myapp');
    expect(matchRepo(['https://git.example.com/ops/internal'], repos)?.name).toBe('internal');
    expect(matchRepo(['https://nowhere.example/x/y', 'ssh://git@git.example.com:2222/ops/internal.git'], repos)?.name).toBe('internal');
  });

  it('falls back to owner/name, matching the end of the settings URL path', () => {
    expect(matchRepo(['acme/myapp'], repos)?.name).toBe('myapp');
    expect(matchRepo(['sub/project'], repos)?.name).toBe('nested');
    expect(matchRepo(['group/sub/project'], repos)?.name).toBe('nested');
    expect(matchRepo(['b/project'], repos)).toBeUndefined();
    expect(matchRepo(['project'], repos)).toBeUndefined();
  });

  it('prefers a URL match over an owner/name match', () => {
    const two = { gh: repo('gh', 'https://github.com/acme/app'), gl: repo('gl', 'https://gitlab.com/acme/app') };
    expect(matchRepo(['https://gitlab.com/acme/app.git', 'acme/app'], two)?.name).toBe('gl');
  });

  it('returns undefined when nothing matches', () => {
    expect(matchRepo(['https://github.com/acme/other.git', 'acme/other'], repos)).toBeUndefined();
    expect(matchRepo([], repos)).toBeUndefined();
    expect(matchRepo(['acme/myapp'], {})).toBeUndefined();
  });

  it('refuses an ambiguous match, naming both repos', () => {
    const dup = { a: repo('a', 'https://github.com/acme/app'), b: repo('b', 'git@github.com:acme/app.git') };
    expect(() => matchRepo(['https://github.com/acme/app'], dup)).toThrow(/matches repos `a` and `b`/);
    const byName = { gh: repo('gh', 'https://github.com/acme/app'), gl: repo('gl', 'https://gitlab.com/acme/app') };
    expect(() => matchRepo(['acme/app'], byName)).toThrow(expect.objectContaining({ code: 'IG_REPO_UNKNOWN' }));
  });
});
