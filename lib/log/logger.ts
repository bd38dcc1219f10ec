import path from 'node:path';
import type Winston from 'winston';
import { ensureDataDir } from '../store/ensure-data-dir';
import { LEVELS, LineWriter } from './line-writer';
import { textLine } from './text-line';

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

const textFormat = (): Winston.Logform.Format =>
  winston().format.printf((info) => {
    const { timestamp, level, message, ...meta } = info as Record<string, unknown>;
    return textLine(String(timestamp), String(level), message, meta);
  });

/** The size at which the log file is rotated (by winston's file transport), and how many are kept. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;
const MAX_FILES = 5;

/**
 * Plain text lines are written by a small line writer (line-writer.ts) in the same format
 * to the same file and stderr; winston is built on the first line that writer cannot
 * reproduce exactly, the first rotation, the JSON format, or any use of the logger other
 * than its level methods, and takes every line from then on. A server that has only
 * logged its start-up lines (or a CLI command that logs nothing) never loads winston.
 * The data dir is made now, so that a bad one still fails where the logger is asked for.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  if (opts.dataDir) ensureDataDir(opts.dataDir);
  let real: Logger | undefined;
  const lines =
    (opts.format ?? 'text') === 'text'
      ? new LineWriter({ file: opts.dataDir && path.join(opts.dataDir, 'integralgit.log'), console: opts.console !== false, level: opts.level ?? 'info', maxBytes: MAX_FILE_BYTES })
      : undefined;
  // lines logged while the writer's last lines reach the file, then given to winston in order
  let waiting: Array<[string, unknown[]]> | undefined;
  const get = (): Logger => {
    if (real) return real;
    real = buildLogger(opts);
    if (lines) {
      const queue: Array<[string, unknown[]]> = (waiting = []);
      void lines.close().then(() => {
        waiting = undefined;
        for (const [level, args] of queue) callLevel(real as Logger, level, args);
      });
    }
    return real;
  };
  const levelMethods = new Map<string, (...args: unknown[]) => Logger>();
  const proxy: Logger = new Proxy({} as Logger, {
    get: (_target, prop) => {
      if (lines && typeof prop === 'string' && Object.hasOwn(LEVELS, prop)) {
        let method = levelMethods.get(prop);
        if (!method) {
          method = (...args: unknown[]): Logger => {
            if (!real && lines.write(prop, args)) return proxy;
            const logger = get();
            if (waiting) waiting.push([prop, args]);
            else callLevel(logger, prop, args);
            return proxy;
          };
          levelMethods.set(prop, method);
        }
        return method;
      }
      const value = Reflect.get(get(), prop) as unknown;
      return typeof value === 'function' ? value.bind(get()) : value;
    },
    set: (_target, prop, value) => Reflect.set(get(), prop, value),
    has: (_target, prop) => Reflect.has(get(), prop),
  });
  return proxy;
}

function callLevel(logger: Logger, level: string, args: unknown[]): void {
  (logger[level as 'info'] as (...a: unknown[]) => unknown)(...args);
}

function buildLogger(opts: LoggerOptions): Logger {
  const w = winston();
  const format = opts.format ?? 'text';
  const lineFormat = format === 'json' ? w.format.json() : textFormat();
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
        maxsize: MAX_FILE_BYTES,
        maxFiles: MAX_FILES,
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
