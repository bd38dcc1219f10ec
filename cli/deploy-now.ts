import type { Command } from 'commander';
import type { Settings } from '../lib/settings/types';
import type { DeploymentStore, OutboxStore, OutcomeStore } from '../lib/store';
import type { DeploymentEvent } from '../lib/deploy/events';
import { abortOnSignals } from './run-command';
import { cliLogger } from './cli-context';

export interface CliDeploymentRequest {
  repo: string;
  branchOverride?: string;
  noFetch?: boolean;
  /** a rollback: deploy this commit and pin the host to it */
  targetCommit?: string;
  /** `trigger --allow-rewind` (refuseNonFastForward) */
  allowRewind?: boolean;
}

/**
 * `trigger` and `rollback`: one deployment run in this process, through the same
 * runDeployment and event stream as the server's queue. Progress is printed from the
 * events; Ctrl-C aborts the script. Outgoing messages are written to the outbox like the
 * server's and flushed for up to CLI_FLUSH_MS before the command exits; a message still
 * pending then (a target down) is delivered by the server sharing the data dir.
 * Resolves to the exit code (1 when it failed).
 */
export async function deployNow(cmd: Command, settings: Settings, store: DeploymentStore & OutboxStore & OutcomeStore, req: CliDeploymentRequest): Promise<number> {
  // the git and deployment code loads only when a deployment is asked for (fast `--help`, `status`)
  const [{ runDeployment }, { DeploymentEvents }, { createBackend }, { setUpOutgoing, CLI_FLUSH_MS }] = await Promise.all([
    import('../lib/deploy/run-deployment'),
    import('../lib/deploy/events'),
    import('../lib/workcopy/create-backend'),
    import('../lib/outbox'),
  ]);
  const logger = cliLogger(cmd, settings);
  const events = new DeploymentEvents(logger);
  events.subscribe(printProgress);
  // the same outgoing messages as a server deployment, written to the same database
  const outbox = setUpOutgoing({ settings, store, logger, events });
  const stop = abortOnSignals();
  const outcome = await runDeployment(
    { settings, store, logger, backend: createBackend(settings.git), events },
    { repo: req.repo, trigger: 'cli', branchOverride: req.branchOverride, noFetch: req.noFetch, targetCommit: req.targetCommit, allowRewind: req.allowRewind, signal: stop.signal },
  ).finally(stop.dispose);
  const what = req.targetCommit ? 'rollback deployment' : 'deployment';
  const reverted = outcome.revertedTo ? ` (reverted to ${outcome.revertedTo.slice(0, 12)})` : '';
  const line = `${what} #${outcome.deploymentId} ${outcome.status}${outcome.commit ? ` at ${outcome.commit.slice(0, 12)}` : ''}${outcome.reason ? `: ${outcome.reason}` : ''}${reverted}\n`;
  (outcome.status === 'failed' ? process.stderr : process.stdout).write(line);
  // deliver now what can be; what is still pending after that, a running server delivers
  await outbox.flush(CLI_FLUSH_MS);
  return outcome.status === 'failed' ? 1 : 0;
}

/** Steps as `==> …` lines, the script's output as it comes (stderr to stderr). */
export function printProgress(event: DeploymentEvent): void {
  if (event.type === 'step') process.stdout.write(`==> ${event.text}\n`);
  else if (event.type === 'output') (event.stream === 'stderr' ? process.stderr : process.stdout).write(event.text);
}
