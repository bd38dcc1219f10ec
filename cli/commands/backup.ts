import type { Command } from 'commander';
import { action } from '../run-command';
import { cliSettings } from '../cli-context';

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .argument('<file>', 'where to write the copy (must not exist yet)')
    .description('write a consistent copy of the database, safe while the server runs (SQLite online backup)')
    .action(
      action(async (file: string, _opts: unknown, cmd: Command) => {
        const settings = cliSettings(cmd, {}, { readOnly: true });
        // SQLite loads only when this command runs
        const { backupDatabase } = await import('../../lib/store/backup-database');
        const r = await backupDatabase(settings.dataDir, file);
        process.stdout.write(`backed up ${r.source} to ${r.target} (${r.pages} pages, ${r.bytes} bytes, quick_check ok)\n`);
        return 0;
      }),
    );
}
