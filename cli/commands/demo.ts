import type { Command } from 'commander';
import { createLogger } from '../../lib/log/logger';
import { action, usageError } from '../run-command';
import { globals } from '../cli-context';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .option('--port <n>', 'port to serve on (a free one is used when it is taken)', '8080')
    .option('--once', 'exit after the deployment instead of serving until Ctrl-C')
    .description('the whole flow on this machine with nothing to set up: a repo, a push, a webhook, a deployment, the history page')
    .action(
      action(async (opts: { port: string; once?: boolean }, cmd: Command) => {
        const port = Number.parseInt(opts.port, 10);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('--port must be a number from 0 to 65535');
        const logger = createLogger({ format: globals(cmd).logFormat === 'json' ? 'json' : 'text', level: 'warn' });
        const say = (line: string): void => void process.stdout.write(line + '\n');
        const { runDemo } = await import('../demo/run-demo');
        const demo = await runDemo({ port, logger, say });
        say('');
        say(`History page: ${demo.historyUrl}`);
        say(`Deployment:   ${demo.historyUrl}/deployments/${demo.deployment.id}`);
        say(`JSON API:     ${demo.url}/api/repos/demo-app`);
        if (opts.once) {
          await demo.close();
          return demo.deployment.status === 'succeeded' ? 0 : 1;
        }
        say('Serving until Ctrl-C (everything lives in a temp dir that is removed on exit).');
        await new Promise<void>((resolve) => {
          const stop = (): void => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        say('\nstopping the demo');
        await demo.close();
        return 0;
      }),
    );
}
