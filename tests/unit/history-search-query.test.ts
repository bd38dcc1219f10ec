import { ftsQuery, parseSearch } from '../../lib/history/search-query';
import { IntegralGitError } from '../../lib/errors';

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(IntegralGitError);
    expect((err as IntegralGitError).code).toBe('IG_USAGE');
    return (err as Error).message;
  }
  throw new Error('expected IG_USAGE');
}

describe('parseSearch', () => {
  it('splits words, drops punctuation-only ones, and sees a lone hex word as a sha prefix', () => {
    expect(parseSearch('  fix   login -- ')).toEqual({ text: 'fix   login --', terms: ['fix', 'login'] });
    expect(parseSearch('1A2b3C')).toEqual({ text: '1A2b3C', terms: ['1A2b3C'], shaPrefix: '1a2b3c' });
    expect(parseSearch('abc').shaPrefix).toBeUndefined(); // too short to mean a sha
    expect(parseSearch('')).toEqual({ text: '', terms: [] });
  });

  it('refuses what it cannot search, saying why', () => {
    expect(usage(() => parseSearch('x'.repeat(201)))).toMatch(/at most 200/);
    expect(usage(() => parseSearch('"" -- **'))).toMatch(/nothing to search for/);
    expect(usage(() => parseSearch('a b c d e f g h i'))).toMatch(/at most 8/);
  });
});

describe('ftsQuery', () => {
  it('quotes every word so operators and column names stay text', () => {
    expect(ftsQuery('my-app', ['fix', 'NOT', 'a"b'])).toBe('repo : "my-app" AND {message author_name author_email} : ("fix" AND "NOT" AND "a""b")');
  });

  it('a trailing * asks for a prefix, of at least 2 characters', () => {
    expect(ftsQuery('app', ['fix', 'deplo*'])).toBe('repo : "app" AND {message author_name author_email} : ("fix" AND "deplo"*)');
    expect(usage(() => parseSearch('d*'))).toMatch(/too short a prefix/);
  });
});
