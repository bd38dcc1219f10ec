import os from 'node:os';
import type { Command } from 'commander';
import { action } from '../run-command';

export function registerInit(program: Command): void {
  program
    .command('init')
    .argument('[dir]', 'a directory inside the git repository', '.')
    .option('--hostname <name>', 'host name to put in the starter hostgroup', os.hostname())
    .description('create the orphan `integralgit` branch with a commented starter `config` (your branch, index and files are left untouched)')
    .action(
      action(async (dir: string, opts: { hostname: string }) => {
        // isomorphic-git loads only when a branch is created, not for every command's start-up
        const { createConfigBranch } = await import('../../lib/init/create-config-branch');
        const res = await createConfigBranch(dir, opts.hostname);
        process.stdout.write(
          `created branch integralgit at ${res.commit.slice(0, 12)} in ${res.repoDir}\n` +
            `next: edit it (git worktree add ../integralgit-config integralgit), validate it\n` +
            `      (integralgit validate ../integralgit-config/config), then push it:\n` +
            `      git push -u origin integralgit\n`,
        );
      }),
    );
}
