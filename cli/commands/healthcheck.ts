import type { Command } from 'commander';
import { checkHealth } from '../../lib/health/check-health';
import { describeError } from '../../lib/errors';
import { ExitCode } from '../run-command';
import { cliSettings } from '../cli-context';

export function registerHealthcheck(program: Command): void {
  program
    .command('healthcheck')
    .option('--timeout <seconds>', 'how long to wait for the answer', '5')
    .description('exit 0 when the server of these settings answers /healthz with "ok" (the Docker HEALTHCHECK); 1 with the reason otherwise')
    .action(async (opts: { timeout: string }, cmd: Command) => {
      // Docker reserves exit 2: every failure here, settings included, is 1
      const seconds = Number(opts.timeout);
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 300) {
        process.stderr.write('integralgit: healthcheck: --timeout must be a number of seconds from 0 to 300\n');
        throw new ExitCode(1);
      }
      let settings;
      try {
        settings = cliSettings(cmd, {}, { readOnly: true, quiet: true });
      } catch (err) {
        process.stderr.write(`integralgit: healthcheck: ${describeError(err).split('\n').join(' ')}\n`);
        throw new ExitCode(1);
      }
      const result = await checkHealth(settings, Math.round(seconds * 1000));
      (result.ok ? process.stdout : process.stderr).write(`integralgit: healthcheck: ${result.ok ? 'ok: ' : ''}${result.reason}\n`);
      throw new ExitCode(result.ok ? 0 : 1);
    });
}
