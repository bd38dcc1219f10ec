import path from 'node:path';
import type Winston from 'winston';
import { ensureDataDir } from '../store/ensure-data-dir';

export type LogFormat = 'text' | 'json';

export interface LoggerOptions {
  /** where `integralgit.log` is written; no file when absent (e.g. `validate`) */
  dataDir?: string;
  format?: LogFormat;
  level?: string;
  /** console output goes to stderr so that a command's stdout stays machine-readable */
  console?: boolean;
}

export type Logger = Winston.Logger;

let winstonModule: typeof Winston | undefined;
/** Loaded on the first logger made: `--help` and `status` never log, and winston is ~60 modules. */
function winston(): typeof Winston {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (winstonModule ??= require('winston') as typeof Winston);
}

const textLine = (): Winston.Logform.Format => winston().format.printf((info) => {
  const { timestamp, level, message, ...meta } = info as Record<string, unknown>;
  const extra = Object.entries(meta)
    .filter(([k]) => typeof k === 'string' && !k.startsWith('Symbol('))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${String(timestamp)} ${String(level).padEnd(5)} ${message}${extra ? ' ' + extra : ''}`;
});

/**
 * The logger is built on its first use: a CLI command that has nothing to log (`config` on a
 * warm cache) then never loads winston, a tenth of a second of CPU. The data dir is made now,
 * so that a bad one still fails where the logger is asked for.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  if (opts.dataDir) ensureDataDir(opts.dataDir);
  let real: Logger | undefined;
  const get = (): Logger => (real ??= buildLogger(opts));
  return new Proxy({} as Logger, {
    get: (_target, prop) => {
      const value = Reflect.get(get(), prop) as unknown;
      return typeof value === 'function' ? value.bind(get()) : value;
    },
    set: (_target, prop, value) => Reflect.set(get(), prop, value),
    has: (_target, prop) => Reflect.has(get(), prop),
  });
}

function buildLogger(opts: LoggerOptions): Logger {
  const w = winston();
  const format = opts.format ?? 'text';
  const lineFormat = format === 'json' ? w.format.json() : textLine();
  // formatted once on the logger, not once per transport: every accepted webhook logs a line
  const lineWithTime = w.format.combine(w.format.timestamp(), lineFormat);
  const transports: Winston.transport[] = [];
  if (opts.console !== false) {
    transports.push(
      new w.transports.Console({
        stderrLevels: ['error', 'warn', 'info', 'debug', 'verbose', 'silly'],
      }),
    );
  }
  if (opts.dataDir) {
    transports.push(
      new w.transports.File({
        filename: path.join(opts.dataDir, 'integralgit.log'),
        maxsize: 20 * 1024 * 1024,
        maxFiles: 5,
        tailable: true,
      }),
    );
  }
  if (transports.length === 0) transports.push(new w.transports.Console({ silent: true }));
  return w.createLogger({ level: opts.level ?? 'info', format: lineWithTime, transports });
}

/** A logger that drops everything: for library calls and unit tests that do not care. */
export function silentLogger(): Logger {
  const w = winston();
  return w.createLogger({ transports: [new w.transports.Console({ silent: true })] });
}
