import { isSshUrl, repositoryKey, sameRepository, stripCredentials, urlCredentials } from '../../lib/remote-url';
import { assertCommitId } from '../../lib/commit-id';
import { assertBranchName, assertRemoteName } from '../../lib/workcopy/core/check-names';

describe('remote URLs', () => {
  it.each([
    ['https://github.com/acme/app.git', 'git@github.com:acme/app.git'],
    ['https://GitHub.com/acme/app', 'https://github.com/acme/app.git/'],
    ['https://user:tok@github.com/acme/app.git', 'ssh://git@github.com/acme/app'],
    ['ssh://git@git.example.com:2222/ops/internal.git', 'https://git.example.com/ops/internal'],
    ['/srv/git/app.git', 'file:///srv/git/app'],
  ])('%s and %s name the same repository', (a, b) => {
    expect(sameRepository(a, b)).toBe(true);
  });

  it.each([
    ['https://github.com/acme/app.git', 'https://github.com/acme/other.git'],
    ['https://github.com/acme/app.git', 'https://gitlab.com/acme/app.git'],
    ['git@github.com:acme/app.git', 'git@github.com:acme/app-old.git'],
  ])('%s and %s are different repositories', (a, b) => {
    expect(sameRepository(a, b)).toBe(false);
  });

  it('keys repositories by lowercased host and path', () => {
    expect(repositoryKey('https://u:p@Example.COM:8443/a/b.git/')).toBe('example.com/a/b');
    expect(repositoryKey('git@Example.com:a/b.git')).toBe('example.com/a/b');
  });

  it('strips credentials from http(s) URLs and passwords from others', () => {
    expect(stripCredentials('https://user:tok@github.com/a.git')).toBe('https://github.com/a.git');
    expect(stripCredentials('http://tok@127.0.0.1:8080/a.git')).toBe('http://127.0.0.1:8080/a.git');
    expect(stripCredentials('ssh://git:pw@host/a.git')).toBe('ssh://git@host/a.git');
    expect(stripCredentials('git@host:a.git')).toBe('git@host:a.git');
    expect(urlCredentials('https://us%40er:t%3Ak@host/a')).toEqual({ username: 'us@er', password: 't:k' });
    expect(urlCredentials('https://host/a')).toEqual({});
  });

  it('tells SSH URLs apart', () => {
    expect(isSshUrl('git@github.com:acme/app.git')).toBe(true);
    expect(isSshUrl('ssh://git@host:22/x')).toBe(true);
    expect(isSshUrl('https://host/x')).toBe(false);
    expect(isSshUrl('/srv/git/x')).toBe(false);
  });
});

describe('names from the repo config', () => {
  it.each(['master', 'release/1.2', 'feature-x', 'v1.0_rc'])('accepts the branch %j', (b) => expect(() => assertBranchName(b)).not.toThrow());
  it.each(['', '-x', '--upload-pack=evil', 'a..b', 'a b', 'a:b', 'a~1', 'x^', 'a/', '/a', 'a.lock', '@', 'a@{1}', '.hidden', 'a/.b', 'a\\b', 'a\tb', 'x*', 'a//b'])(
    'refuses the branch %j',
    (b) => expect(() => assertBranchName(b)).toThrow(/not a valid git branch name/),
  );
  it.each(['origin', 'upstream', 'my_remote.2', "usually-origin-but-if-you're-a-special-snowflake-you-can-change-this"])('accepts the remote %j', (r) => expect(() => assertRemoteName(r)).not.toThrow());
  it.each(['', '-o', 'a/b', 'a b', 'x.lock'])('refuses the remote %j', (r) => expect(() => assertRemoteName(r)).toThrow(/not a valid git remote name/));
  it('accepts only hexadecimal commit ids', () => {
    expect(() => assertCommitId('abc123')).not.toThrow();
    expect(() => assertCommitId('a'.repeat(40))).not.toThrow();
    expect(() => assertCommitId('HEAD~1')).toThrow();
    expect(() => assertCommitId('abc')).toThrow();
    expect(() => assertCommitId('a'.repeat(41))).toThrow();
  });
});
