import path from 'node:path';
import winston from 'winston';
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

export type Logger = winston.Logger;

const textLine = winston.format.printf((info) => {
  const { timestamp, level, message, ...meta } = info as Record<string, unknown>;
  const extra = Object.entries(meta)
    .filter(([k]) => typeof k === 'string' && !k.startsWith('Symbol('))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${String(timestamp)} ${String(level).padEnd(5)} ${message}${extra ? ' ' + extra : ''}`;
});

export function createLogger(opts: LoggerOptions = {}): Logger {
  const format = opts.format ?? 'text';
  const lineFormat = format === 'json' ? winston.format.json() : textLine;
  const transports: winston.transport[] = [];
  if (opts.console !== false) {
    transports.push(
      new winston.transports.Console({
        stderrLevels: ['error', 'warn', 'info', 'debug', 'verbose', 'silly'],
        format: winston.format.combine(winston.format.timestamp(), lineFormat),
      }),
    );
  }
  if (opts.dataDir) {
    ensureDataDir(opts.dataDir);
    transports.push(
      new winston.transports.File({
        filename: path.join(opts.dataDir, 'integralgit.log'),
        maxsize: 20 * 1024 * 1024,
        maxFiles: 5,
        tailable: true,
        format: winston.format.combine(winston.format.timestamp(), lineFormat),
      }),
    );
  }
  if (transports.length === 0) transports.push(new winston.transports.Console({ silent: true }));
  return winston.createLogger({ level: opts.level ?? 'info', transports });
}

/** A logger that drops everything: for library calls and unit tests that do not care. */
export function silentLogger(): Logger {
  return winston.createLogger({ transports: [new winston.transports.Console({ silent: true })] });
}
