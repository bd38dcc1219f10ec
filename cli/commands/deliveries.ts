import type { Command } from 'commander';
import { IntegralGitError } from '../../lib/errors';
import { DELIVERY_OUTCOMES, type DeliveryOutcome } from '../../lib/store/types';
import { action } from '../run-command';
import { cliSettings, cliStore, printJson } from '../cli-context';
import { age, formatTable } from '../format-table';
import { requireRepo } from '../../lib/settings/require-repo';

export function registerDeliveries(program: Command): void {
  program
    .command('deliveries')
    .argument('[repo]', 'only deliveries matched to this repository')
    .option('--outcome <outcome>', `only this outcome (${DELIVERY_OUTCOMES.join(', ')})`)
    .option('--limit <n>', 'how many', '30')
    .option('--json', 'machine-readable output')
    .description('the last webhook deliveries with their outcome and reason ("why didn\'t my push deploy?")')
    .action(
      action(async (repo: string | undefined, opts: { outcome?: string; limit: string; json?: boolean }, cmd: Command) => {
        const limit = Number.parseInt(opts.limit, 10);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new IntegralGitError('IG_USAGE', '--limit must be an integer from 1 to 1000');
        if (opts.outcome && !(DELIVERY_OUTCOMES as readonly string[]).includes(opts.outcome)) {
          throw new IntegralGitError('IG_USAGE', `--outcome must be one of ${DELIVERY_OUTCOMES.join(', ')}`);
        }
        const settings = cliSettings(cmd, {}, { readOnly: true });
        if (repo !== undefined) requireRepo(settings, repo);
        const store = cliStore(settings, { readOnly: true });
        try {
          const page = store.listDeliveries({ repo, outcome: opts.outcome as DeliveryOutcome | undefined, limit });
          if (opts.json) {
            printJson(page.items);
            return 0;
          }
          if (page.items.length === 0) {
            process.stdout.write(`no deliveries recorded${repo ? ` for ${repo}` : ''}: has the git host's webhook been set to http://<this host>:${settings.listen.port}${settings.basePath}/update ?\n`);
            return 0;
          }
          const rows = page.items.map((d) => [
            age(d.receivedAt),
            d.remoteAddr ?? '-',
            d.provider ?? '-',
            d.repo ?? '-',
            // a `missed` entry is no request, so it has no status code
            d.statusCode ? `${d.outcome} ${d.statusCode}` : d.outcome,
            d.reason ?? '',
          ]);
          process.stdout.write(formatTable(['when', 'from', 'provider', 'repo', 'outcome', 'reason'], rows));
          return 0;
        } finally {
          store.close();
        }
      }),
    );
}
