import { Option, type Command } from 'commander';

/**
 * The options every command accepts (SPEC §12), defined once on the program. Commander
 * reads program options before or after the subcommand name, so `integralgit status
 * --hostname web1` and `integralgit --hostname web1 status` mean the same;
 * cli-context.ts applies them.
 */
export interface GlobalOptions {
  settings?: string;
  dataDir?: string;
  hostname?: string;
  debug?: boolean;
  logFormat?: 'text' | 'json';
}

export function addGlobalOptions(program: Command): Command {
  return program
    .option('--settings <file>', 'server settings file, JSON or YAML (default: $INTEGRALGIT_SETTINGS, ./settings.{json,yaml,yml}, /etc/integralgit/settings.{json,yaml,yml})')
    .option('--data-dir <dir>', 'data directory (overrides dataDir)')
    .option('--hostname <name>', 'this host\'s name in repo configs (overrides INTEGRALGIT_HOSTNAME and hostname)')
    .addOption(new Option('--log-format <format>', 'log line format').choices(['text', 'json']).default('text'))
    .option('--debug', 'print stack traces on errors')
    .configureHelp({ showGlobalOptions: true });
}
