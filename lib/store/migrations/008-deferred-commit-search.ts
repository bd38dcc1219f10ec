import type { Migration } from './types';

/*
 * Commit search indexed in batches, off the webhook's transaction (issue 16). The insert
 * trigger of 004 tokenized every commit inside the intake's durable transaction and wrote a
 * small FTS5 segment per group commit (then merged them): 40 % of the store's CPU per
 * webhook. Now commits_fts_state.indexed_through says which commits are in commits_fts
 * (every id up to it); lib/store/commit-index.ts indexes the newer ones in batches (about
 * a tenth of the cost per commit) from a timer in the server and before every search.
 * Deletes and updates touch the index only for rows already in it: an FTS5 'delete' of a
 * row the index never had corrupts it. Any delete that takes the highest ids lowers the mark
 * (in the same trigger, after the index delete), so an id SQLite hands out again is indexed
 * when it comes back.
 */
export const migration008: Migration = {
  // the version is its position in MIGRATIONS
  version: 8,
  name: 'deferred-commit-search',
  up: `
CREATE TABLE commits_fts_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_through INTEGER NOT NULL
);
INSERT INTO commits_fts_state (id, indexed_through) VALUES (1, (SELECT ifnull(max(id), 0) FROM commits));
DROP TRIGGER commits_fts_insert;
DROP TRIGGER commits_fts_delete;
DROP TRIGGER commits_fts_update;
CREATE TRIGGER commits_fts_delete AFTER DELETE ON commits BEGIN
  INSERT INTO commits_fts (commits_fts, rowid, repo, message, author_name, author_email)
  SELECT 'delete', old.id, old.repo, old.message, old.author_name, old.author_email
  WHERE old.id <= (SELECT indexed_through FROM commits_fts_state WHERE id = 1);
  UPDATE commits_fts_state SET indexed_through = (SELECT ifnull(max(id), 0) FROM commits)
  WHERE id = 1 AND indexed_through > (SELECT ifnull(max(id), 0) FROM commits);
END;
CREATE TRIGGER commits_fts_update AFTER UPDATE OF repo, message, author_name, author_email ON commits
WHEN old.id <= (SELECT indexed_through FROM commits_fts_state WHERE id = 1) BEGIN
  INSERT INTO commits_fts (commits_fts, rowid, repo, message, author_name, author_email)
  VALUES ('delete', old.id, old.repo, old.message, old.author_name, old.author_email);
  INSERT INTO commits_fts (rowid, repo, message, author_name, author_email)
  VALUES (new.id, new.repo, new.message, new.author_name, new.author_email);
END;
`,
};
