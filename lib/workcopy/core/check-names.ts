import { branchNameProblem, remoteNameProblem } from '../../config/check-branch-name';
import { IntegralGitError } from '../../errors';

/**
 * `branch` and `remote` come from the repo config (anyone with push rights) and end up as
 * git arguments and ref names. The rules live in lib/config/check-branch-name.ts, the same
 * ones `validate` applies, so a config that validates never fails here; these re-checks
 * guard callers that did not come through the config parser (rollback, the CLI).
 */
export function assertBranchName(branch: string): void {
  const problem = branchNameProblem(branch);
  if (problem) {
    throw new IntegralGitError('IG_CONFIG_INVALID', `\`branch\` ${JSON.stringify(branch)} is not a valid git branch name (${problem}): fix \`branch\` in the repo config`, {
      key: 'branch',
      value: branch,
    });
  }
}

export function assertRemoteName(remote: string): void {
  const problem = remoteNameProblem(remote);
  if (problem) {
    throw new IntegralGitError('IG_CONFIG_INVALID', `\`remote\` ${JSON.stringify(remote)} is not a valid git remote name (${problem}): fix \`remote\` in the repo config`, {
      key: 'remote',
      value: remote,
    });
  }
}
