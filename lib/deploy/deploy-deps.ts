import type { DeploymentStore } from '../store';
import type { GitBackend } from '../workcopy/core/git-backend';
import type { DeploymentEvents } from './events';
import type { DeployEnv } from './types';
import type { FleetView } from '../fleet/read-fleet';

/** What a deployment needs from its process: settings, logger, store, git backend and the event stream. */
export interface DeployDeps extends DeployEnv {
  store: DeploymentStore;
  backend: GitBackend;
  /** the process's event stream; a private one (no subscribers) when absent */
  events?: DeploymentEvents;
  /** how long to wait for another deployment of the same working copy; default 30 min */
  lockWaitMs?: number;
  /** the fleet's state, for rollout waves (absent: this process is not on the bus) */
  fleet?: { read(): Promise<FleetView> };
}
