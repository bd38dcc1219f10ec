import type { Command } from 'commander';
import { IntegralGitError, describeError } from '../../lib/errors';
import { action } from '../run-command';
import { cliLogger, cliSettings, cliStore, printJson } from '../cli-context';
import { printEffectiveConfig } from './print-effective-config';
import { requireRepo } from '../../lib/settings/require-repo';

export function registerConfig(program: Command): void {
  program
    .command('config')
    .argument('<repo>', 'repository name from the settings')
    .option('--host <name>', 'show the effective config of another host (default: this host)')
    .option('--no-fetch', 'use the last config fetched instead of reading the remote')
    .option('--json', 'machine-readable output')
    .description('effective repo config for a host, with the layer that set each key')
    .action(
      action(async (repo: string, opts: { host?: string; fetch: boolean; json?: boolean }, cmd: Command) => {
        const settings = cliSettings(cmd, {}, { readOnly: true });
        const repoSettings = requireRepo(settings, repo);
        // the config code (and the git it may run) loads only for this command
        const [{ loadRepoConfig, effectiveConfigFor }, { configFetchOptions }] = await Promise.all([
          import('../../lib/config/load-repo-config'),
          import('../../lib/deploy/config-fetcher'),
        ]);
        const store = cliStore(settings);
        try {
          const host = opts.host ?? settings.hostname;
          let fetchError: string | undefined;
          let latest = store.latestConfigVersion(repo);
          let current = store.lastValidConfig(repo);
          if (opts.fetch) {
            const loaded = await loadRepoConfig({
              repo: repoSettings,
              dataDir: settings.dataDir,
              store,
              logger: cliLogger(cmd, settings),
              ...configFetchOptions(settings),
            });
            latest = loaded.latest;
            current = loaded.current;
            if (loaded.fetchError) fetchError = describeError(loaded.fetchError);
          }
          const effective = current ? effectiveConfigFor(current, host) : undefined;
          if (opts.json) {
            printJson({ repo, host, configCommit: current?.commit ?? null, latest: latest && { commit: latest.commit, valid: latest.valid, errors: latest.errors }, fetchError, effective });
          } else {
            if (fetchError) process.stderr.write(`warning: ${fetchError}\n`);
            if (latest && !latest.valid) {
              process.stdout.write(`latest config ${latest.commit.slice(0, 12)} is INVALID (the last valid one stays in force):\n`);
              for (const p of latest.errors) process.stdout.write(`  - ${p.path || '/'}: ${p.message}\n`);
            }
            if (current && effective) {
              process.stdout.write(`${repo}: config ${current.commit.slice(0, 12)} (branch integralgit)\n`);
              printEffectiveConfig(effective);
            }
          }
          if (!current) {
            throw new IntegralGitError('IG_CONFIG_NEVER_VALID', fetchError ?? `no valid repo config has been seen for \`${repo}\` yet`);
          }
          return 0;
        } finally {
          store.close();
        }
      }),
    );
}
