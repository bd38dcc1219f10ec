import type { Logger } from '../lib/log/logger';
import type { Settings } from '../lib/settings/types';
import type { DeploymentRecordStore, HealthStore, HistoryStore, IngestStore, JobQueueStore } from '../lib/store';
import type { DeployQueue } from '../lib/queue/deploy-queue';
import type { Metrics } from '../lib/metrics/metrics';
import type { DeploymentEvents } from '../lib/deploy/events';
import type { OutboxDispatcher } from '../lib/outbox';
import type { GitBackend } from '../lib/workcopy/core/git-backend';
import type { FleetNode } from '../lib/fleet/fleet-node';

/**
 * The store as routes and pages see it: reads for the pages and API, the webhook intake,
 * /healthz, and the buttons (queue a deployment, unpin). The process that opens the store
 * (start-server) holds the whole of it.
 */
export type ServerStore = HistoryStore &
  IngestStore &
  HealthStore &
  Pick<JobQueueStore, 'ensureRepo' | 'enqueueJob'> &
  Pick<DeploymentRecordStore, 'clearPin'>;

/** Everything a route needs; routes translate HTTP to calls on these and nothing more. */
export interface AppContext {
  settings: Settings;
  store: ServerStore;
  queue: DeployQueue;
  /** every deployment of this process, as it happens (live log, metrics, outbox writers) */
  events: DeploymentEvents;
  /** delivers the outbox's messages (SPEC §9) */
  outbox: OutboxDispatcher;
  metrics: Metrics;
  logger: Logger;
  backend: GitBackend;
  startedAt: Date;
  version: string;
  /** set when the settings have `fleet` (SPEC §11) */
  fleet?: FleetNode;
}
