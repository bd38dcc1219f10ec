import { Command, CommanderError } from 'commander';
import { addGlobalOptions } from './global-options';
import { ExitCode } from './run-command';
import { registerInit } from './commands/init';
import { registerServe } from './commands/serve';
import { registerTrigger } from './commands/trigger';
import { registerStatus } from './commands/status';
import { registerConfig } from './commands/config';
import { registerValidate } from './commands/validate';
import { registerDeliveries } from './commands/deliveries';
import { registerRollback } from './commands/rollback';
import { registerDemo } from './commands/demo';
import { registerFleet } from './commands/fleet';
import { registerHealthcheck } from './commands/healthcheck';
import { registerBackup } from './commands/backup';

import { packageVersion } from '../lib/version';

const VERSION = packageVersion();

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('integralgit')
    .description('Self-configuring continuous deployment server: git webhooks in, deployments out')
    .version(VERSION);
  addGlobalOptions(program)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of [registerServe, registerTrigger, registerStatus, registerConfig, registerValidate, registerInit, registerDeliveries, registerRollback, registerDemo, registerHealthcheck, registerBackup, registerFleet]) register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the CLI and resolves to the process exit code (0 ok, 1 failed, 2 usage/settings). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof ExitCode) return err.code;
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0
      return err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`integralgit: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}
