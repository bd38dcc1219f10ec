import type { Logger } from '../log/logger';
import type { Settings } from '../settings/types';

export type Trigger = 'webhook' | 'poll' | 'cli' | 'ui' | 'config' | 'retry';

export interface DeployRequest {
  repo: string;
  trigger: Trigger;
  /** the branch a push went to: the deployment is skipped unless the host deploys it */
  pushedBranch?: string;
  /** `trigger --branch B`: deploy B instead of the configured branch */
  branchOverride?: string;
  /** a rollback: deploy this commit and pin the host to it */
  targetCommit?: string;
  noFetch?: boolean;
  /** `trigger --allow-rewind`: deploy a head that does not descend from the deployed one despite refuseNonFastForward */
  allowRewind?: boolean;
  /** the head a push payload named: recorded on a failure when the remote cannot say (never deployed from) */
  requestedCommit?: string;
  jobId?: number;
  coalescedJobIds?: number[];
  /** an existing deployment row to fill (the queue creates it as 'queued') */
  deploymentId?: number;
  signal?: AbortSignal;
}

export interface DeployOutcome {
  deploymentId: number;
  status: 'succeeded' | 'failed' | 'skipped';
  commit: string | null;
  previousCommit: string | null;
  reason?: string;
  errorCode?: string;
  exitCode?: number | null;
  /** the working copy, once known */
  location?: string;
  /** the health gate's outcome (SPEC §10); "none" when no health check ran */
  health?: 'passed' | 'failed' | 'none';
  /** the commit a failed deployment went back to */
  revertedTo?: string;
  /** the release directory name, with `releases` */
  release?: string;
}

export interface DeployEnv {
  settings: Settings;
  logger: Logger;
}
