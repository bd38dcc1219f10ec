import { describeError } from '../errors';
import type { Logger } from '../log/logger';
import type { ConfigVersionStore } from '../config/types';
import { isDatabaseBusy, retryWhileBusy } from '../store/busy-retry';

/**
 * The store as a deployment's config loader sees it: a version record that another
 * process's write lock refuses (the server's connection waits only 25 ms) is written once
 * the lock is released, and the deployment goes on with the version it read, which is all
 * it needs. The write is an idempotent upsert keyed by commit whose `fetchedAt` keeps the
 * order of versions, so a late one is harmless.
 */
export function recordVersionsBehind(store: ConfigVersionStore, logger: Logger): ConfigVersionStore {
  return {
    lastValidConfig: (repo) => store.lastValidConfig(repo),
    latestConfigVersion: (repo) => store.latestConfigVersion(repo),
    recordConfigVersion: (record) => {
      try {
        store.recordConfigVersion(record);
      } catch (err) {
        if (!isDatabaseBusy(err)) throw err;
        const what = `[${record.repo}] config ${record.commit.slice(0, 12)}`;
        logger.warn(`${what} is recorded once another process releases the database's write lock; the deployment goes on`);
        retryWhileBusy(() => store.recordConfigVersion(record)).catch((e: unknown) => logger.error(`${what} could not be recorded: ${describeError(e)}`));
      }
    },
  };
}
