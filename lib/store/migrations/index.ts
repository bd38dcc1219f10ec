import type { Migration } from './types';
import { migration001 } from './001-initial';
import { migration002 } from './002-commits-truncated';
import { migration003 } from './003-outbox';
import { migration004 } from './004-history-search';
import { migration005 } from './005-safe-deployments';
import { migration006 } from './006-outcomes';
import { migration007 } from './007-job-hosts';
import { migration008 } from './008-deferred-commit-search';
import { migration009 } from './009-job-deployments';

export type { Migration } from './types';

/** Every schema step, in order. Add new files at the end; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
