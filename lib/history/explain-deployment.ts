import type { ErrorCode } from '../errors';
import type { ApiDeployment } from './repo-history';

/** What to look at or change, per error code, for the deployment page's "what went wrong" box. */
const HINTS: Partial<Record<ErrorCode, string>> = {
  IG_SCRIPT_FAILED: 'The deploy script returned an error. Its output is below; lines it wrote to stderr are marked.',
  IG_SCRIPT_TIMEOUT: 'The deploy script ran longer than its `timeout` and was stopped with its whole process group. Raise `timeout` in the repo config if it legitimately needs longer.',
  IG_WORKCOPY_DIRTY: 'Someone changed files in the working copy by hand. Commit those changes to the repository or discard them on the host, then deploy again.',
  IG_WORKCOPY_FOREIGN: 'The configured `location` holds something other than a working copy of this repository. Point `location` elsewhere or move that directory away.',
  IG_LOCATION_FORBIDDEN: 'The repo config asks for a `location` outside the `allowedRoots` of the server settings. Change `location`, or ask the sysadmin to allow that root.',
  IG_TREE_UNSAFE: 'The commit contains paths that would write outside the location or into `.git`. Nothing was written.',
  IG_FETCH_FAILED: 'The remote could not be fetched. Check the repository URL and credentials in the server settings, and that the host can reach the git server.',
  IG_CONFIG_NEVER_VALID: 'No valid repo config has been seen yet, so nothing is deployed. Fix the `config` file on the `integralgit` branch.',
  IG_CONFIG_INVALID: 'The repo config on the `integralgit` branch is invalid; see the config panel on the repository page for each problem.',
  IG_CONFIG_MISSING: 'The `integralgit` branch or its `config` file does not exist. Create it with `integralgit init`.',
  IG_LOCKED: 'Another deployment held the working copy for too long.',
  IG_INTERRUPTED: 'The server stopped while this deployment was running. The job is retried once after a restart.',
  IG_INTERNAL: 'An unexpected internal failure; the server log has the details.',
};

export interface DeploymentExplanation {
  /** one line: what happened */
  headline: string;
  /** the recorded error or skip reason, as the deployment wrote it */
  detail: string | null;
  /** what to do about it */
  hint: string | null;
}

/** The outcome of a deployment in plain words, for people who did not write the code. */
export function explainDeployment(d: ApiDeployment): DeploymentExplanation {
  switch (d.status) {
    case 'queued':
      return { headline: 'Waiting for its turn: deployments of one repository run one at a time.', detail: null, hint: null };
    case 'running':
      return { headline: 'Running now; the output below updates live.', detail: null, hint: null };
    case 'skipped':
      return { headline: 'Nothing was deployed.', detail: d.skipReason, hint: null };
    case 'succeeded':
      return { headline: d.commit ? `Deployed ${d.commit.slice(0, 10)} successfully.` : 'Succeeded.', detail: null, hint: null };
    case 'failed': {
      const how = d.signal ? `the script was killed by ${d.signal}` : d.exitCode !== null && d.exitCode !== 0 ? `the script exited with code ${d.exitCode}` : null;
      return {
        headline: how ? `The deployment failed: ${how}.` : 'The deployment failed.',
        detail: d.error,
        hint: (d.errorCode && HINTS[d.errorCode as ErrorCode]) ?? null,
      };
    }
    default:
      return { headline: d.status, detail: d.error, hint: null };
  }
}
