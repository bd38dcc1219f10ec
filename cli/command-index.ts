import type { Command } from 'commander';

type Register = (program: Command) => void;

/*
 * Every command module, in the order `--help` lists them, with the command names it
 * registers. A module is required only when its command runs (or when the whole list is
 * shown): each pulls in its own part of lib/, and loading all of them cost a command ~40 %
 * of its start-up CPU (issue 16).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const COMMAND_MODULES: ReadonlyArray<{ names: readonly string[]; load: () => Register }> = [
  { names: ['serve'], load: () => (require('./commands/serve') as typeof import('./commands/serve')).registerServe },
  { names: ['trigger'], load: () => (require('./commands/trigger') as typeof import('./commands/trigger')).registerTrigger },
  { names: ['status'], load: () => (require('./commands/status') as typeof import('./commands/status')).registerStatus },
  { names: ['config'], load: () => (require('./commands/config') as typeof import('./commands/config')).registerConfig },
  { names: ['validate'], load: () => (require('./commands/validate') as typeof import('./commands/validate')).registerValidate },
  { names: ['init'], load: () => (require('./commands/init') as typeof import('./commands/init')).registerInit },
  { names: ['deliveries'], load: () => (require('./commands/deliveries') as typeof import('./commands/deliveries')).registerDeliveries },
  { names: ['rollback', 'unpin'], load: () => (require('./commands/rollback') as typeof import('./commands/rollback')).registerRollback },
  { names: ['demo'], load: () => (require('./commands/demo') as typeof import('./commands/demo')).registerDemo },
  { names: ['healthcheck'], load: () => (require('./commands/healthcheck') as typeof import('./commands/healthcheck')).registerHealthcheck },
  { names: ['backup'], load: () => (require('./commands/backup') as typeof import('./commands/backup')).registerBackup },
  { names: ['fleet'], load: () => (require('./commands/fleet') as typeof import('./commands/fleet')).registerFleet },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The registrations needed to run `argv`: only the named command's module when the command
 * line names a known one (`integralgit status`, `integralgit help config`), none for
 * `--version`, all of them otherwise, so that the top-level help and "unknown command, did
 * you mean" see every command.
 */
export function registrationsFor(program: Command, argv: readonly string[]): Register[] {
  const args = argv.slice(2);
  const name = commandNameIn(program, args);
  // `integralgit --version` prints one line and needs no command at all
  if (name === undefined && args.some((a) => a === '--version' || a === '-V') && !args.some((a) => a === '--help' || a === '-h' || a === 'help')) return [];
  const entry = name === undefined ? undefined : COMMAND_MODULES.find((m) => m.names.includes(name));
  return (entry ? [entry] : COMMAND_MODULES).map((m) => m.load());
}

/**
 * The first operand of the user's arguments, skipping the program's own options and their
 * values (`--settings FILE status`); after `help`, the command asked about.
 */
export function commandNameIn(program: Command, args: readonly string[]): string | undefined {
  const takesValue = new Set(program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short].filter((n): n is string => Boolean(n))));
  const operands: string[] = [];
  for (let i = 0; i < args.length && operands.length < 2; i++) {
    const arg = args[i];
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (takesValue.has(arg)) i++;
      continue;
    }
    operands.push(arg);
    if (arg !== 'help') break;
  }
  return operands[0] === 'help' ? operands[1] : operands[0];
}
