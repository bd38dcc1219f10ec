import { IntegralGitError } from '../errors';
import { localInvocation } from '../workcopy/native/native-git-env';
import { runGit } from '../workcopy/native/run-git';

/**
 * `refuseNonFastForward` (SPEC §10): the new head must descend from the deployed commit, as
 * `git merge-base --is-ancestor deployed head` says. A deployed commit that is not in the
 * repository any more (history rewritten and pruned) counts as not an ancestor: the rewrite
 * is exactly what the setting guards against. Throws IG_REWIND_REFUSED.
 */
export async function checkFastForward(req: { gitdir: string; deployed: string; head: string; repo: string; branch: string }): Promise<void> {
  if (req.deployed === req.head) return;
  if (await isAncestor(req.gitdir, req.deployed, req.head)) return;
  throw new IntegralGitError(
    'IG_REWIND_REFUSED',
    `the head ${req.head.slice(0, 12)} of \`${req.branch}\` does not descend from the deployed commit ${req.deployed.slice(0, 12)} (history was rewritten, e.g. a force-push), ` +
      `and repos.${req.repo}.refuseNonFastForward is on; if the rewrite is intended, deploy it with \`integralgit trigger ${req.repo} --allow-rewind\``,
    { repo: req.repo, deployed: req.deployed, head: req.head },
  );
}

export async function isAncestor(gitdir: string, ancestor: string, descendant: string): Promise<boolean> {
  const inv = localInvocation();
  // 0: ancestor; 1: not; 128: an object is missing (treated as not)
  const res = await runGit([...inv.config.flatMap((c) => ['-c', c]), '--git-dir', gitdir, 'merge-base', '--is-ancestor', ancestor, descendant], {
    cwd: gitdir,
    env: inv.env,
    okCodes: [1, 128],
  });
  return res.code === 0;
}
