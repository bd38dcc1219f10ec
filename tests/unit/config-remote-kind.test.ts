import { redactUrl, remoteKind } from '../../lib/remote-url';
import { branchNameProblem } from '../../lib/config/check-branch-name';

describe('remoteKind and redactUrl', () => {
  it.each([
    ['https://github.com/acme/app.git', 'http'],
    ['HTTP://127.0.0.1:8080/app.git', 'http'],
    ['ssh://git@example.com/acme/app.git', 'ssh'],
    ['git+ssh://example.com/app.git', 'ssh'],
    ['git@git.example.com:ops/internal.git', 'ssh'],
    ['example.com:app.git', 'ssh'],
    ['file:///srv/git/app.git', 'local'],
    ['/srv/git/app.git', 'local'],
    ['./app.git', 'local'],
    ['git://example.com/app.git', 'other'],
  ])('%s is %s', (url, kind) => {
    expect(remoteKind(url)).toBe(kind);
  });

  it('removes user info from URLs', () => {
    expect(redactUrl('https://user:tok@github.com/a.git')).toBe('https://github.com/a.git');
    expect(redactUrl('https://tok@github.com/a.git')).toBe('https://github.com/a.git');
    expect(redactUrl('https://github.com/a@b.git')).toBe('https://github.com/a@b.git');
  });
});

describe('branchNameProblem follows git check-ref-format --branch', () => {
  it.each(['master', 'release/2024.1', 'feature/x-y_z', 'é', "you'd-want-this", 'a.b'])('accepts %s', (name) => {
    expect(branchNameProblem(name)).toBeUndefined();
  });
  it.each([
    ['', 'must not be empty'],
    ['-x', 'must not start with "-"'],
    ['HEAD', 'must not be "HEAD"'],
    ['@', 'must not be "@"'],
    ['a b', 'must not contain spaces or control characters'],
    ['a\tb', 'must not contain spaces or control characters'],
    ['a\u007fb', 'must not contain spaces or control characters'],
    ['a~1', 'must not contain "~"'],
    ['a^', 'must not contain "^"'],
    ['a:b', 'must not contain ":"'],
    ['a?', 'must not contain "?"'],
    ['a*', 'must not contain "*"'],
    ['a[b', 'must not contain "["'],
    ['a\\b', 'must not contain "\\"'],
    ['a..b', 'must not contain ".."'],
    ['a@{1}', 'must not contain "@{"'],
    ['/a', 'must not start or end with "/"'],
    ['a/', 'must not start or end with "/"'],
    ['a//b', 'must not contain "//"'],
    ['a.', 'must not end with "."'],
    ['.a', 'no part between slashes may start with "."'],
    ['a/.b', 'no part between slashes may start with "."'],
    ['a.lock', 'no part between slashes may end with ".lock"'],
    ['a.lock/b', 'no part between slashes may end with ".lock"'],
    ['x'.repeat(256), 'must be at most 255 bytes long'],
  ])('refuses %j: %s', (name, why) => {
    expect(branchNameProblem(name)).toBe(why);
  });
});
