import { isCommitId } from '../commit-id';
import { IntegralGitError } from '../errors';

export const MAX_QUERY_LENGTH = 200;
const MAX_TERMS = 8;
const WORDLIKE = /[\p{L}\p{N}]/u;

/** A user's search, parsed: never passed to SQLite as typed. */
export interface ParsedSearch {
  /** the query as typed, trimmed */
  text: string;
  terms: string[];
  /** set when the query is one hex word of 4+ characters: it may be the start of a sha */
  shaPrefix?: string;
}

/**
 * Words separated by spaces; every word must match (message, author name or e-mail) as a
 * whole word, or as the start of one when it ends in `*` ("deplo*" finds "deployment";
 * at least 2 characters before the star). A lone hex word also matches commit shas that
 * start with it. Punctuation-only words are dropped.
 */
export function parseSearch(q: string): ParsedSearch {
  const text = q.trim();
  if (text.length > MAX_QUERY_LENGTH) {
    throw new IntegralGitError('IG_USAGE', `the search is ${text.length} characters long; at most ${MAX_QUERY_LENGTH} are searched: shorten it to a few words, an author or a sha prefix`);
  }
  const terms = text.split(/\s+/).filter((t) => WORDLIKE.test(t));
  const shortPrefix = terms.find((t) => t.endsWith('*') && [...t.replace(/\*+$/, '')].length < 2);
  if (shortPrefix) {
    throw new IntegralGitError('IG_USAGE', `“${shortPrefix.slice(0, 40)}” is too short a prefix: put at least 2 characters before the *`);
  }
  if (text !== '' && terms.length === 0) {
    throw new IntegralGitError('IG_USAGE', `nothing to search for in “${text.slice(0, 40)}”: search for words of a commit message, an author or a commit sha prefix`);
  }
  if (terms.length > MAX_TERMS) {
    throw new IntegralGitError('IG_USAGE', `the search has ${terms.length} words; at most ${MAX_TERMS} are searched: keep the most telling ones`);
  }
  const parsed: ParsedSearch = { text, terms };
  if (terms.length === 1 && isCommitId(terms[0])) parsed.shaPrefix = terms[0].toLowerCase();
  // a trailing * is the prefix operator; no other character is one (see ftsQuery)
  return parsed;
}

/** An FTS5 string literal: double quotes doubled, so no operator or column name can be smuggled in. */
function phrase(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

/**
 * The FTS5 query over commits_fts: the repo column narrows the search inside the index
 * (the join checks the exact name afterwards), the terms search message and author.
 */
export function ftsQuery(repo: string, terms: readonly string[]): string {
  // whole words unless asked: a prefix merges the lists of every word it starts, which for a
  // common stem costs tens of milliseconds at 100,000 commits, where a word costs well under one
  const words = terms.map((t) => (/[^*]\*+$/.test(t) ? `${phrase(t.replace(/\*+$/, ''))}*` : phrase(t)));
  const text = `{message author_name author_email} : (${words.join(' AND ')})`;
  return WORDLIKE.test(repo) ? `repo : ${phrase(repo)} AND ${text}` : text;
}
