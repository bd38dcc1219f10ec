import type { Command } from 'commander';
import { assertCommitId } from '../../lib/commit-id';
import { IntegralGitError } from '../../lib/errors';
import { action } from '../run-command';
import { cliSettings, cliStore } from '../cli-context';
import { deployNow } from '../deploy-now';
import { requireRepo } from '../../lib/settings/require-repo';

export function registerRollback(program: Command): void {
  program
    .command('rollback')
    .argument('<repo>', 'repository name from the settings')
    .argument('<commit>', 'the earlier commit to deploy (full or abbreviated sha)')
    .description('deploy an earlier commit and pin this host to it until the next push or `unpin`')
    .action(
      action(async (repo: string, commit: string, _opts: unknown, cmd: Command) => {
        const targetCommit = assertCommitId(commit);
        const settings = cliSettings(cmd);
        requireRepo(settings, repo);
        const store = cliStore(settings);
        try {
          const [{ planDeployment }, { createBackend }] = await Promise.all([import('../../lib/deploy/plan-deployment'), import('../../lib/workcopy/create-backend')]);
          // a commit the repository does not have is a usage error: nothing is recorded, the badge stays
          await planDeployment({ settings, store, backend: createBackend(settings.git) }, { repo, targetCommit }).catch((err: unknown) => {
            if (err instanceof IntegralGitError && err.code === 'IG_USAGE') throw err;
          });
          return await deployNow(cmd, settings, store, { repo, targetCommit });
        } finally {
          store.close();
        }
      }),
    );
  program
    .command('unpin')
    .argument('<repo>', 'repository name from the settings')
    .description('release a rollback pin: the next push or poll deploys the branch head again')
    .action(
      action(async (repo: string, _opts: unknown, cmd: Command) => {
        const settings = cliSettings(cmd);
        requireRepo(settings, repo);
        const store = cliStore(settings);
        try {
          const pin = store.getPin(repo, settings.hostname);
          if (!store.clearPin(repo, settings.hostname)) {
            process.stdout.write(`${repo} is not pinned on ${settings.hostname}\n`);
            return 0;
          }
          process.stdout.write(`released the pin of ${repo} on ${settings.hostname} (was ${pin?.commit.slice(0, 12)}); the next push or poll deploys the branch head\n`);
          return 0;
        } finally {
          store.close();
        }
      }),
    );
}
