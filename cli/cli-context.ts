import type { Command } from 'commander';
import type { Settings, SettingsOverrides } from '../lib/settings/types';
import type { Logger } from '../lib/log/logger';
import type { Store } from '../lib/store';
import type { GlobalOptions } from './global-options';

/*
 * The settings loader, the logger and the store are required when a command first asks for
 * them, not when this module loads: every command module imports this one, and `--help`
 * (or a usage error) should not pay for SQLite, the schema checks and the log transports.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const settingsModule = (): typeof import('../lib/settings/load-settings') => require('../lib/settings/load-settings');
const locateModule = (): typeof import('../lib/settings/locate-settings-file') => require('../lib/settings/locate-settings-file');
const loggerModule = (): typeof import('../lib/log/logger') => require('../lib/log/logger');
const storeModule = (): typeof import('../lib/store/open-store') => require('../lib/store/open-store');
/* eslint-enable @typescript-eslint/no-require-imports */

/** Settings, logger and store for a command, from the global flags (cli/global-options.ts). */
export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

export interface CliSettingsOptions {
  /** a command that only reads (status, deliveries, config): unresolvable secrets are warnings */
  readOnly?: boolean;
  /** no warnings on stderr (healthcheck: one line only) */
  quiet?: boolean;
}

/**
 * The one place the global flags are applied: the settings file is located (SPEC §12) and
 * `--data-dir` / `--hostname` override it, for every command alike.
 */
export function cliSettings(cmd: Command, overrides: SettingsOverrides = {}, opts: CliSettingsOptions = {}): Settings {
  const g = globals(cmd);
  const logFormat = g.logFormat === 'json' ? 'json' : g.logFormat === 'text' ? 'text' : undefined;
  const { file } = locateModule().locateSettingsFile(g.settings, process.env);
  const settings = settingsModule().loadSettings(
    file,
    { ...definedOnly({ dataDir: g.dataDir, hostname: g.hostname }), ...definedOnly(overrides), logFormat },
    process.env,
    { secretsOptional: opts.readOnly },
  );
  if (!opts.quiet) for (const why of settings.unresolvedSecrets ?? []) process.stderr.write(`integralgit: warning: ${why} (not needed to read; \`serve\` refuses to start without it)\n`);
  return settings;
}

export function cliLogger(cmd: Command, settings?: Settings, opts: { console?: boolean; level?: string } = {}): Logger {
  const g = globals(cmd);
  return loggerModule().createLogger({
    dataDir: settings?.dataDir,
    format: g.logFormat === 'json' ? 'json' : 'text',
    console: opts.console ?? false,
    level: opts.level ?? 'info',
  });
}

export function cliStore(settings: Settings, opts: { readOnly?: boolean } = {}): Store {
  const { openStore, openStoreForReading } = storeModule();
  const open = opts.readOnly ? openStoreForReading : openStore;
  return open(settings.dataDir, { deliveriesLimit: settings.deliveriesLimit });
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
