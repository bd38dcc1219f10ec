import type { Migration } from './types';

/*
 * History pages, second pass (issue 17).
 * - commits_fts: full-text index of commit messages and authors. External content (the text
 *   stays in `commits` only), kept in sync by triggers, backfilled by 'rebuild'. `repo` is an
 *   indexed column so a search is narrowed to one repo inside the index, not after it.
 * - deployments_repo_host_finished: covering index for the 7/30-day outcome figures (a range
 *   on finished_at reads status and duration from the index alone).
 * - deployments_repo_commit: deployments of one commit, and search by sha prefix.
 */
export const migration004: Migration = {
  version: 4,
  name: 'history-search',
  up: `
CREATE VIRTUAL TABLE commits_fts USING fts5(
  repo, message, author_name, author_email,
  content = 'commits', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER commits_fts_insert AFTER INSERT ON commits BEGIN
  INSERT INTO commits_fts (rowid, repo, message, author_name, author_email)
  VALUES (new.id, new.repo, new.message, new.author_name, new.author_email);
END;
CREATE TRIGGER commits_fts_delete AFTER DELETE ON commits BEGIN
  INSERT INTO commits_fts (commits_fts, rowid, repo, message, author_name, author_email)
  VALUES ('delete', old.id, old.repo, old.message, old.author_name, old.author_email);
END;
CREATE TRIGGER commits_fts_update AFTER UPDATE OF repo, message, author_name, author_email ON commits BEGIN
  INSERT INTO commits_fts (commits_fts, rowid, repo, message, author_name, author_email)
  VALUES ('delete', old.id, old.repo, old.message, old.author_name, old.author_email);
  INSERT INTO commits_fts (rowid, repo, message, author_name, author_email)
  VALUES (new.id, new.repo, new.message, new.author_name, new.author_email);
END;
INSERT INTO commits_fts (commits_fts) VALUES ('rebuild');

CREATE INDEX deployments_repo_host_finished ON deployments(repo, host, finished_at, status, duration_ms);
CREATE INDEX deployments_repo_commit ON deployments(repo, commit_sha, id);
`,
};
