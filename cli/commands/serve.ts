import type { Command } from 'commander';
import { usageError, action } from '../run-command';
import { redactUrl } from '../../lib/remote-url';
import { cliLogger, cliSettings } from '../cli-context';
import { assertCanRunAs } from '../../lib/process/check-user-switch';
import { endLeanStartUp } from '../../lib/process/lean-start-up';

interface ServeOptions {
  port?: string;
  host?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .option('--port <n>', 'listen port (overrides listen.port)')
    .option('--host <address>', 'listen address (overrides listen.host)')
    .description('run the webhook server (the original wh-gitd)')
    .action(
      action(async (opts: ServeOptions, cmd: Command) => {
        let port: number | undefined;
        if (opts.port !== undefined) {
          port = Number.parseInt(opts.port, 10);
          if (!/^\d+$/.test(opts.port) || port > 65535) throw usageError(`--port must be a number from 0 to 65535 (got "${opts.port}")`);
        }
        const settings = cliSettings(cmd, { port, host: opts.host });
        // before anything is written: a runAs the server cannot honour is a start-up error
        assertCanRunAs(settings);
        const logger = cliLogger(cmd, settings, { console: true });
        logger.info(`settings: ${settings.file}`);
        logger.info(`host identity: ${settings.hostname} (from ${settings.hostnameSource})`);
        logger.info(`data dir: ${settings.dataDir}; allowed roots: ${settings.allowedRoots.join(', ')}; git backend: ${settings.git}`);
        logger.info(`repos: ${Object.values(settings.repos).map((r) => `${r.name} (${redactUrl(r.url)})`).join(', ') || 'none'}`);
        for (const w of settings.warnings ?? []) logger.warn(w);
        // loaded on demand: the HTTP stack is the heaviest part of the CLI's start-up
        const { startServer } = await import('../../server/start-server');
        // last resort: a bug in some callback is logged, not a reason to drop the queue on the floor
        process.on('unhandledRejection', (err) => logger.error(`unhandled rejection: ${err instanceof Error ? err.stack : String(err)}`));
        const running = await startServer(settings, logger);
        // held since cli/main.ts saw `serve` (lib/process/lean-start-up.ts says why)
        endLeanStartUp();
        logger.info(`listening on ${running.url} (webhooks: POST ${running.url}/update)`);
        await new Promise<void>((resolve) => {
          const stop = (signal: string): void => {
            logger.info(`${signal} received: finishing running deployments (up to 60 s), queued jobs stay queued`);
            resolve();
          };
          process.once('SIGINT', () => stop('SIGINT'));
          process.once('SIGTERM', () => stop('SIGTERM'));
        });
        await running.close(60_000);
        logger.info('stopped');
        await new Promise((r) => setTimeout(r, 100));
        return 0;
      }),
    );
}
