import type { ErrorCode } from '../errors';
import type { DeploymentState } from './stages/stage';

/** An ls-remote for a failed deployment's record never holds the outcome up longer than this. */
const REMOTE_HEAD_TIMEOUT_MS = 15_000;

/**
 * The commit a failed deployment was asked to deploy, when none was checked out (SPEC §4.5:
 * "Commit —" on a refused deployment tells a sysadmin nothing): a rollback's target; else
 * the branch head read from the remote; else the head the push payload named, marked as
 * only requested (a payload is never trusted to say what is on the remote).
 */
export async function requestedCommit(state: Readonly<DeploymentState>, errorCode: ErrorCode): Promise<string | null> {
  const { req, recorder } = state;
  if (req.targetCommit) return req.targetCommit;
  // the remote was unreachable or the server is stopping: asking again would only wait
  const askRemote = state.branch !== undefined && !req.noFetch && errorCode !== 'IG_FETCH_FAILED' && errorCode !== 'IG_INTERRUPTED';
  if (askRemote) {
    const head = await remoteHead(state).catch(() => null);
    if (head) {
      recorder.step(`requested commit: ${head.slice(0, 12)}, the head of \`${state.branch}\` on the remote`);
      return head;
    }
  }
  if (req.requestedCommit) {
    recorder.step(`requested commit: ${req.requestedCommit.slice(0, 12)}, the head named by the push (not read from the remote)`);
    return req.requestedCommit;
  }
  return null;
}

function remoteHead(state: Readonly<DeploymentState>): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), REMOTE_HEAD_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([state.deps.backend.remoteHead(state.repoSettings, state.branch!), timeout]).finally(() => clearTimeout(timer));
}
