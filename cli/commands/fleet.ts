import type { Command } from 'commander';
import { IntegralGitError } from '../../lib/errors';
import { fleetMatrix } from '../../lib/fleet/fleet-matrix';
import { action } from '../run-command';
import { cliSettings, printJson } from '../cli-context';
import { age, formatTable, shortSha } from '../format-table';

export function registerFleet(program: Command): void {
  program
    .command('fleet')
    .option('--json', 'machine-readable output (the shape of GET /api/fleet)')
    .description('every host × repo of the fleet: commit, status, health; behind, failing and offline hosts marked')
    .action(
      action(async (opts: { json?: boolean }, cmd: Command) => {
        // only reads (SPEC §12): works without the secrets being resolvable
        const settings = cliSettings(cmd, {}, { readOnly: true });
        if (!settings.fleet) {
          throw new IntegralGitError('IG_USAGE', `the settings ${settings.file} have no \`fleet\` block, so this server works alone (see docs/guide/fleet.md)`);
        }
        // the NATS client loads only when this command runs
        const { readFleetOnce } = await import('../../lib/fleet/read-fleet-once');
        const view = await readFleetOnce(settings.fleet, settings.hostname);
        if (opts.json) {
          printJson(view);
          return 0;
        }
        const m = fleetMatrix(view);
        const hostRows = m.hosts.map((h) => [h.name, h.online ? 'online' : 'OFFLINE', age(h.lastSeen)]);
        process.stdout.write(formatTable(['host', 'state', 'last seen'], hostRows) + '\n');
        const cellRows = m.rows.flatMap((row) =>
          m.hosts.flatMap((host, i) => {
            const c = row.cells[i];
            if (!c) return [];
            const marks = [c.verdict === 'behind' ? 'BEHIND' : '', c.verdict === 'failing' ? 'FAILING' : '', c.hostOnline ? '' : 'offline'].filter(Boolean).join(' ');
            return [[row.repo, host.name, shortSha(c.commit), c.status, c.health, age(c.finishedAt), marks]];
          }),
        );
        process.stdout.write(formatTable(['repo', 'host', 'commit', 'status', 'health', 'finished', 'note'], cellRows));
        process.stdout.write(`\n${m.counts.hosts - m.counts.offline}/${m.counts.hosts} hosts online, ${m.counts.behind} behind, ${m.counts.failing} failing\n`);
        return 0;
      }),
    );
}
