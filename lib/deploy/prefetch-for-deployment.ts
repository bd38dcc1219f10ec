import { CONFIG_BRANCH } from '../config/fetch-config-branch';
import { resolveHostConfig } from '../config/merge-layers';
import { knownVersion } from '../config/load-repo-config';
import type { ConfigBranch } from '../config/read-config-at-commit';
import { describeError } from '../errors';
import { withWorkingCopyLock } from '../locks/file-lock';
import { assertLocationAllowed } from '../workcopy/core/check-location';
import { prefetchWithConfig, runAutoMaintenance, type Prefetched } from '../workcopy/native/native-prefetch';
import { warmScriptParent } from '../script/script-parent';
import type { DeploymentState } from './stages/stage';
import type { LocalState } from '../workcopy/core/git-driver';
import type { TreeDiff } from '../workcopy/core/git-backend';
import { tracePhase } from '../trace/phase-trace';

/**
 * On the native backend, when the last valid config names a working copy that exists:
 * fetch the deployed branch and the config branch in one `git fetch` into it (issue 16).
 * The config read from it is the one in force as usual (it may change the location or the
 * branch; then sync fetches again, see prefetchedCommitFor). Null when the guess does not
 * apply: a push to another branch, --no-fetch, a rollback, releases, no copy yet.
 */
export async function prefetchForDeployment(state: Readonly<DeploymentState>): Promise<Prefetched | null> {
  const { deps, req, host, repoSettings } = state;
  if (deps.backend.name !== 'native' || req.noFetch || req.targetCommit || req.pushedBranch === CONFIG_BRANCH) return null;
  const last = deps.store.lastValidConfig(req.repo);
  if (!last?.config) return null;
  const cfg = resolveHostConfig(last.config, host).config;
  const branch = req.branchOverride ?? cfg.branch;
  if (!cfg.location || cfg.releases || (req.pushedBranch && req.pushedBranch !== branch)) return null;
  try {
    assertLocationAllowed(cfg.location, deps.settings.allowedRoots);
    // not while another process deploys this copy (a CLI trigger): its fetch would race ours
    tracePhase('prefetch', req.repo);
    const pre = await withWorkingCopyLock(deps.settings.dataDir, cfg.location, { waitMs: 0 }, () =>
      prefetchWithConfig({
        repo: repoSettings,
        location: cfg.location!,
        branch,
        remote: cfg.remote,
        // the script's parent process starts during the fetch rather than after the checkout,
        // and only once git has the fetch: forking the server blocks it for several ms
        onFetchStarted: () => {
          tracePhase('fetch handed to git', req.repo);
          if (cfg.script) warmScriptParent();
        },
      }),
    );
    tracePhase('prefetch done', req.repo);
    return pre;
  } catch (err) {
    deps.logger.debug(`[${req.repo}] one-fetch shortcut not taken: ${describeError(err)}`);
    return null;
  }
}

/**
 * The config branch's file as the prefetch found it. The config rarely moves while the code
 * does: when its commit is the last version recorded, valid and kept whole, the stored text
 * is that file, and the `git cat-file` is skipped.
 */
export function prefetchedConfigReader(state: Readonly<DeploymentState>, pre: Prefetched): () => Promise<ConfigBranch> {
  const known = knownVersion(state.deps.store.latestConfigVersion(state.req.repo));
  if (known?.commit === pre.configCommit) return async () => ({ commit: known.commit, filename: 'config', text: known.text });
  return pre.readConfig;
}

/** The copy's local state the prefetch read (before its fetch), with prefetchedCommitFor. */
export function prefetchedLocalFor(state: Readonly<DeploymentState>): Promise<LocalState> | undefined {
  return prefetchedCommitFor(state) ? state.prefetched?.local : undefined;
}

/** The diff HEAD → fetched commit the prefetch started, with prefetchedCommitFor. */
export function prefetchedDiffFor(state: Readonly<DeploymentState>): Promise<TreeDiff | null> | undefined {
  return prefetchedCommitFor(state) ? state.prefetched?.diff : undefined;
}

/** The commit the prefetch brought, when sync is about to fetch exactly that branch into that copy. */
export function prefetchedCommitFor(state: Readonly<DeploymentState>): string | undefined {
  const pre = state.prefetched;
  if (!pre || state.req.targetCommit || state.verifiedCommit) return undefined;
  return pre.location === state.location && pre.branch === state.branch && pre.remote === state.effective?.config.remote ? pre.commit : undefined;
}

/**
 * git's housekeeping the prefetch's fetch left out (native-prefetch.ts), run once the script
 * has run, still under the working copy's lock. A copy the config moved away from is left
 * for a later deployment of it.
 */
export async function maintainPrefetchedCopy(state: Readonly<DeploymentState>): Promise<void> {
  const pre = state.prefetched;
  if (!pre || pre.location !== state.location) return;
  const result = await runAutoMaintenance(pre.location);
  if (!result.ok) state.deps.logger.warn(`[${state.req.repo}] git maintenance in ${pre.location} failed (the deployment is not affected): ${result.stderr}`);
}
