import type { Migration } from './types';

/*
 * Bitbucket Server sends no commit messages, and Bitbucket Cloud and others cut long
 * commit lists: such events are marked so the deployment fills their commits from git.
 */
export const migration002: Migration = {
  version: 2,
  name: 'commits-truncated',
  up: `
ALTER TABLE push_events ADD COLUMN commits_truncated INTEGER NOT NULL DEFAULT 0 CHECK (commits_truncated IN (0, 1));
`,
};
