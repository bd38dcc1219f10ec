import path from 'node:path';
import type { Command } from 'commander';
import type { Settings, SettingsOverrides } from '../lib/settings/types';
import type { Logger } from '../lib/log/logger';
import type { Store } from '../lib/store';
import type { GlobalOptions } from './run-command';

/*
 * The settings loader, the logger and the store are required when a command first asks for
 * them, not when this module loads: every command module imports this one, and `--help`
 * (or a usage error) should not pay for SQLite, the schema checks and the log transports.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const settingsModule = (): typeof import('../lib/settings/load-settings') => require('../lib/settings/load-settings');
const loggerModule = (): typeof import('../lib/log/logger') => require('../lib/log/logger');
const storeModule = (): typeof import('../lib/store/open-store') => require('../lib/store/open-store');
/* eslint-enable @typescript-eslint/no-require-imports */

/** Settings, logger and store for a command, from the global flags (`--settings`, `--log-format`). */
export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

export function cliSettings(cmd: Command, overrides: SettingsOverrides = {}): Settings {
  const g = globals(cmd);
  const logFormat = g.logFormat === 'json' ? 'json' : g.logFormat === 'text' ? 'text' : undefined;
  return settingsModule().loadSettings(path.resolve(g.settings ?? './settings.json'), { ...overrides, logFormat }, process.env);
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
