import { describeError, IntegralGitError, isIntegralGitError } from '../lib/errors';
import type { GlobalOptions } from './global-options';

export class ExitCode {
  constructor(readonly code: number) {}
}

/**
 * Wrap a command's action so it resolves to an exit code: 0 success, 1 a deployment or
 * validation failed, 2 usage or settings error. Errors become one line on stderr.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const cmd = args[args.length - 1] as { optsWithGlobals?: () => GlobalOptions };
    const debug = Boolean(cmd?.optsWithGlobals?.().debug);
    try {
      const code = (await fn(...args)) ?? 0;
      throw new ExitCode(code);
    } catch (err) {
      if (err instanceof ExitCode) throw err;
      reportError(err, debug);
      throw new ExitCode(isIntegralGitError(err) ? err.exitCode : 1);
    }
  };
}

export function reportError(err: unknown, debug: boolean): void {
  process.stderr.write(`integralgit: ${describeError(err)}\n`);
  if (isIntegralGitError(err) && Array.isArray(err.data.problems) && !err.message.includes('\n')) {
    for (const p of err.data.problems as Array<{ path: string; message: string }>) {
      process.stderr.write(`  - ${p.path || '/'}: ${p.message}\n`);
    }
  }
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
}

export function usageError(message: string): IntegralGitError {
  return new IntegralGitError('IG_USAGE', message);
}

/**
 * Ctrl-C / SIGTERM during a deployment run from the CLI: the first signal aborts it (the
 * script's process group is killed and the run recorded as interrupted), a second one exits.
 */
export function abortOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (ac.signal.aborted) process.exit(130);
    process.stderr.write(`\nintegralgit: ${sig}: stopping the deployment (again to quit at once)\n`);
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
