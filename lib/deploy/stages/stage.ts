import type { EffectiveConfig, RepoConfig } from '../../config/types';
import type { RepoSettings } from '../../settings/types';
import type { ErrorCode } from '../../errors';
import type { DeployDeps } from '../deploy-deps';
import type { DeploymentRecorder } from '../recorder';
import type { DeployRequest } from '../types';
import type { Prefetched } from '../../workcopy/native/native-prefetch';

/**
 * What the stages of one deployment know, filled in as they run: each stage reads what
 * earlier ones found and adds its own findings through its result's `set`.
 */
export interface DeploymentState {
  readonly deps: DeployDeps;
  readonly req: DeployRequest;
  readonly host: string;
  readonly repoSettings: RepoSettings;
  /** every store write and event of this deployment goes through it */
  readonly recorder: DeploymentRecorder;
  /** resolveConfig: the repo config in force and its commit */
  config?: RepoConfig;
  configCommit?: string | null;
  /** one line saying what config was loaded (the skip reason of a config-branch push) */
  configSummary?: string;
  /** resolveConfig: the deployed branch, fetched with the config branch in one fetch (native backend) */
  prefetched?: Prefetched;
  /** resolveConfig: this host's layers merged */
  effective?: EffectiveConfig;
  /** gate: the branch deployed and the working copy */
  branch?: string;
  location?: string;
  /** sync: the working copy's commit before and after */
  commit?: string;
  previousCommit?: string | null;
  /** runScript: the script's exit code (absent when no script is configured) */
  exitCode?: number | null;
  // safe deployments (SPEC §10)
  /** verifyTrust: the commit whose signature and ancestry were checked; sync deploys exactly it */
  verifiedCommit?: string;
  /** prepareRelease: the new release (with `releases`) */
  release?: { name: string; dir: string };
  /** where script, activate and healthcheck.command run: the release directory, else `location` */
  workDir?: string;
}

/** The findings a stage adds to the state. */
export type StateAdditions = Partial<Omit<DeploymentState, 'deps' | 'req' | 'host' | 'repoSettings' | 'recorder'>>;

/** A stage ends the deployment: skipped (nothing to do) or failed (with a code and a reason). */
export type TerminalOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; errorCode: ErrorCode; reason: string; exitCode?: number | null };

/** Go on to the next stage with these findings, or end here. */
export type StageResult = { status: 'continue'; set?: StateAdditions } | TerminalOutcome;

/**
 * One named step of a deployment with one job. A stage never writes to the store itself
 * (the recorder does) and may throw: the orchestrator turns a throw into `failed` with the
 * error's IG code.
 */
export interface Stage {
  readonly name: string;
  run(state: Readonly<DeploymentState>): Promise<StageResult> | StageResult;
}

export const proceed = (set?: StateAdditions): StageResult => ({ status: 'continue', set });
export const skip = (reason: string): TerminalOutcome => ({ status: 'skipped', reason });
export const fail = (errorCode: ErrorCode, reason: string, exitCode?: number | null): TerminalOutcome => ({ status: 'failed', errorCode, reason, exitCode });
