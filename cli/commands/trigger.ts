import type { Command } from 'commander';
import { action } from '../run-command';
import { cliSettings, cliStore, printJson } from '../cli-context';
import { deployNow } from '../deploy-now';
import { printEffectiveConfig } from './print-effective-config';
import { requireRepo } from '../../lib/settings/require-repo';

interface TriggerOptions {
  branch?: string;
  fetch: boolean;
  dryRun?: boolean;
  host?: string;
  json?: boolean;
  allowRewind?: boolean;
}

export function registerTrigger(program: Command): void {
  program
    .command('trigger')
    .argument('<repo>', 'repository name from the settings')
    .option('--branch <branch>', 'deploy this branch instead of the configured one')
    .option('--no-fetch', 'do not fetch: use the config and commits already fetched')
    .option('--dry-run', 'print the effective config, the commit and the steps; change nothing')
    .option('--host <name>', 'act as this host (overrides the hostname from the settings)')
    .option('--json', 'machine-readable output (with --dry-run)')
    .option('--allow-rewind', 'deploy a head that does not descend from the deployed commit although refuseNonFastForward is set')
    .description('force a pull and the script now (waits for a deployment of the same working copy already running)')
    .action(
      action(async (repo: string, opts: TriggerOptions, cmd: Command) => {
        const settings = cliSettings(cmd, { hostname: opts.host });
        requireRepo(settings, repo);
        const store = cliStore(settings, { readOnly: opts.dryRun });
        try {
          if (opts.dryRun) {
            // the git code loads only when a deployment is asked for (fast `--help`, `status`)
            const [{ planDeployment }, { createBackend }] = await Promise.all([import('../../lib/deploy/plan-deployment'), import('../../lib/workcopy/create-backend')]);
            const backend = createBackend(settings.git);
            const plan = await planDeployment({ settings, store, backend }, { repo, branchOverride: opts.branch, noFetch: !opts.fetch });
            if (opts.json) {
              printJson(plan);
              return 0;
            }
            process.stdout.write(`dry run: nothing is changed\n`);
            if (plan.config.fetchError) process.stdout.write(`warning: ${plan.config.fetchError}\n`);
            if (plan.config.latestInvalid) process.stdout.write(`warning: the latest config is invalid; the last valid one would be used\n`);
            process.stdout.write(`config ${plan.config.commit.slice(0, 12)} (${plan.config.source})\n`);
            printEffectiveConfig(plan.effective);
            if (plan.skipReason) {
              process.stdout.write(`\nwould skip: ${plan.skipReason}\n`);
              return 0;
            }
            const s = plan.sync!;
            process.stdout.write(`\nwould ${s.action === 'clone' ? 'clone' : s.action === 'update' ? 'update' : 'leave (up to date)'} ${plan.effective.config.location}: ${s.previousCommit ? s.previousCommit.slice(0, 12) : '(none)'} → ${s.commit.slice(0, 12)}\n`);
            for (const step of s.steps) process.stdout.write(`  - ${step}\n`);
            process.stdout.write(plan.script ? `  - run ${plan.script}\n` : `  - no script: working copy only\n`);
            return 0;
          }
          return await deployNow(cmd, settings, store, { repo, branchOverride: opts.branch, noFetch: !opts.fetch, allowRewind: opts.allowRewind });
        } finally {
          store.close();
        }
      }),
    );
}
