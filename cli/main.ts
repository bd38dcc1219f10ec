import { Command, CommanderError } from 'commander';
import { addGlobalOptions } from './global-options';
import { ExitCode } from './run-command';
import { commandNameIn, registrationsFor } from './command-index';
import { tolerateClosedStdout } from './closed-stdout';

import { packageVersion } from '../lib/version';
import { endLeanStartUp } from '../lib/process/lean-start-up';

const VERSION = packageVersion();

/** The program for `argv`, with the commands it can run (see command-index.ts). */
export function buildProgram(argv: readonly string[] = []): Command {
  const program = new Command();
  program
    .name('integralgit')
    .description('Self-configuring continuous deployment server: git webhooks in, deployments out')
    .version(VERSION);
  addGlobalOptions(program)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  // only `serve` starts lean (bin/integralgit.js held it on seeing the word anywhere)
  if (commandNameIn(program, argv.slice(2)) !== 'serve') endLeanStartUp();
  for (const register of registrationsFor(program, argv)) register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the CLI and resolves to the process exit code (0 ok, 1 failed, 2 usage/settings). */
export async function main(argv: string[]): Promise<number> {
  tolerateClosedStdout();
  const program = buildProgram(argv);
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
