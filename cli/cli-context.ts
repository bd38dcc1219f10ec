import path from 'node:path';
import type { Command } from 'commander';
import { loadSettings } from '../lib/settings/load-settings';
import type { Settings, SettingsOverrides } from '../lib/settings/types';
import { createLogger, type Logger } from '../lib/log/logger';
import { openStore, openStoreForReading, type Store } from '../lib/store';
import type { GlobalOptions } from './run-command';

/** Settings, logger and store for a command, from the global flags (`--settings`, `--log-format`). */
export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

export function cliSettings(cmd: Command, overrides: SettingsOverrides = {}): Settings {
  const g = globals(cmd);
  const logFormat = g.logFormat === 'json' ? 'json' : g.logFormat === 'text' ? 'text' : undefined;
  return loadSettings(path.resolve(g.settings ?? './settings.json'), { ...overrides, logFormat }, process.env);
}

export function cliLogger(cmd: Command, settings?: Settings, opts: { console?: boolean; level?: string } = {}): Logger {
  const g = globals(cmd);
  return createLogger({
    dataDir: settings?.dataDir,
    format: g.logFormat === 'json' ? 'json' : 'text',
    console: opts.console ?? false,
    level: opts.level ?? 'info',
  });
}

export function cliStore(settings: Settings, opts: { readOnly?: boolean } = {}): Store {
  const open = opts.readOnly ? openStoreForReading : openStore;
  return open(settings.dataDir, { deliveriesLimit: settings.deliveriesLimit });
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
