import { compareUrl } from '../../lib/history/compare-url';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('compareUrl', () => {
  it.each([
    ['GitHub', `https://github.com/acme/app/commit/${B}`, `https://github.com/acme/app/compare/${A}...${B}`],
    ['Gitea / Forgejo', `https://git.example.com/acme/app/commit/${B}`, `https://git.example.com/acme/app/compare/${A}...${B}`],
    ['GitLab (subgroups)', `https://gitlab.com/acme/team/app/-/commit/${B}`, `https://gitlab.com/acme/team/app/-/compare/${A}...${B}`],
    ['Bitbucket Cloud', `https://bitbucket.org/acme/app/commits/${B}`, `https://bitbucket.org/acme/app/branches/compare/${B}%0D${A}`],
  ])('%s', (_host, commit, expected) => {
    expect(compareUrl(commit, A, B)).toBe(expected);
  });

  it.each([
    ['no commit page', null],
    ['a javascript: url', `javascript:alert(1)//commit/${B}`],
    ['an unknown page shape', `https://example.com/acme/app/tree/${B}`],
    ['a page of another commit', `https://github.com/acme/app/commit/${'c'.repeat(40)}`],
    ['Bitbucket Server', `https://bb.example.com/projects/P/repos/app/commits/${B}`],
    ['a query string', `https://github.com/acme/app/commit/${B}?x=1`],
  ])('none for %s', (_what, commit) => {
    expect(compareUrl(commit, A, B)).toBeUndefined();
  });

  it('none without a previous commit, or when nothing changed', () => {
    const url = `https://github.com/acme/app/commit/${B}`;
    expect(compareUrl(url, null, B)).toBeUndefined();
    expect(compareUrl(url, B, B)).toBeUndefined();
    expect(compareUrl(url, 'not-a-sha', B)).toBeUndefined();
  });
});
