import type { Command } from 'commander';
import { repoSummaries } from '../../lib/history/repo-summaries';
import { action } from '../run-command';
import { cliSettings, cliStore, printJson } from '../cli-context';
import { age, firstLine, formatTable, shortSha } from '../format-table';
import { requireRepo } from '../../lib/settings/require-repo';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .argument('[repo]', 'only this repository')
    .option('--json', 'machine-readable output')
    .description('what is deployed where on this host, and the last results')
    .action(
      action(async (repo: string | undefined, opts: { json?: boolean }, cmd: Command) => {
        const settings = cliSettings(cmd, {}, { readOnly: true });
        if (repo !== undefined) requireRepo(settings, repo);
        const store = cliStore(settings, { readOnly: true });
        try {
          const summaries = repoSummaries(settings, store, repo);
          if (opts.json) {
            printJson({ host: settings.hostname, repos: summaries });
            return 0;
          }
          process.stdout.write(`host ${settings.hostname} (${settings.hostnameSource}), data ${settings.dataDir}\n\n`);
          const rows = summaries.map((s) => [
            s.name,
            shortSha(s.deployed?.commit) + (s.pin ? ' (pinned)' : ''),
            age(s.deployed?.finishedAt),
            s.lastDeployment ? `${s.lastDeployment.status} #${s.lastDeployment.id}` : 'never deployed',
            s.lastDeployment ? age(s.lastDeployment.finishedAt ?? s.lastDeployment.startedAt ?? s.lastDeployment.queuedAt) : '-',
            String(s.queueDepth),
            s.config.status,
            firstLine(s.lastDeployment?.error ?? s.lastDeployment?.skipReason ?? s.deployed?.message ?? '', 50),
          ]);
          process.stdout.write(formatTable(['repo', 'deployed', 'since', 'last', 'when', 'queued', 'config', 'note'], rows));
          return 0;
        } finally {
          store.close();
        }
      }),
    );
}
