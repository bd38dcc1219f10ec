import fs from 'node:fs';
import os from 'node:os';
import { textLine } from './text-line';

/** winston's default (npm) levels: a smaller number is more severe. */
export const LEVELS: Readonly<Record<string, number>> = { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 };

export interface LineWriterOptions {
  /** the log file; none when absent */
  file?: string;
  /** also to stderr */
  console: boolean;
  level: string;
  /** the size at which winston's file transport rotates the file */
  maxBytes: number;
}

/*
 * Writes the plain text lines winston would write, byte for byte, to the same file and
 * stderr, without loading winston (~90 modules, ~4 MB of an idle server's memory). It takes
 * only the calls whose line it can reproduce exactly: `logger.info('text')` and
 * `logger.warn('text', { key: value })`. Anything else (an Error as the message, `%s`
 * tokens, a metadata key winston treats specially, a line that would make the file pass
 * its rotation size) is refused, and the caller hands that line and all later ones to
 * winston, so the order of lines is kept and rotation stays winston's.
 */
export class LineWriter {
  /** appends without blocking the event loop: a write() can wait behind the database's fsync */
  private stream: fs.WriteStream | undefined;
  private size = 0;
  private closed = false;

  constructor(private readonly opts: LineWriterOptions) {}

  /** Writes the line and returns true, or returns false (nothing written) when winston must. */
  write(level: string, args: readonly unknown[]): boolean {
    if (this.closed) return false;
    if (!Object.hasOwn(LEVELS, level) || !Object.hasOwn(LEVELS, this.opts.level)) return false;
    const severity = LEVELS[level];
    const threshold = LEVELS[this.opts.level];
    const [message, meta] = args;
    if (typeof message !== 'string' || args.length > 2) return false;
    if (args.length === 2 && !plainMeta(message, meta)) return false;
    if (severity > threshold) return true;
    const line = `${textLine(new Date().toISOString(), level, message, (meta ?? {}) as Record<string, unknown>)}${os.EOL}`;
    if (this.opts.file !== undefined && !this.appendToFile(line)) return false;
    if (this.opts.console) process.stderr.write(line);
    return true;
  }

  /**
   * Gives up the file to winston: no line is written here afterwards. Resolves once the
   * lines written so far are in the file, so that winston's come after them.
   */
  close(): Promise<void> {
    this.closed = true;
    const stream = this.stream;
    this.stream = undefined;
    if (!stream || stream.destroyed) return Promise.resolve();
    return new Promise((resolve) => stream.end(resolve));
  }

  private appendToFile(line: string): boolean {
    const bytes = Buffer.byteLength(line);
    try {
      if (!this.stream) {
        // opened synchronously, once: a file that cannot be opened is refused here, and
        // winston's transport reports it its own way
        const fd = fs.openSync(this.opts.file as string, 'a');
        this.size = fs.fstatSync(fd).size;
        this.stream = fs.createWriteStream('', { fd });
        // a write that fails later (disk full) ends this writer; winston takes the next lines
        this.stream.on('error', () => {
          this.closed = true;
        });
      }
    } catch {
      return false;
    }
    // winston writes the line that reaches the limit, then rotates: that line is its
    if (this.size + bytes >= this.opts.maxBytes) return false;
    this.stream.write(line);
    this.size += bytes;
    return true;
  }
}

/**
 * Metadata winston copies into the line unchanged: a plain object without the keys it
 * merges or overrides, and a message without the `%` tokens that make it drop the object.
 */
function plainMeta(message: string, meta: unknown): boolean {
  if (meta === null || typeof meta !== 'object') return false;
  const proto = Object.getPrototypeOf(meta) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  if (['message', 'cause', 'level', 'timestamp'].some((k) => k in meta)) return false;
  if (Object.getOwnPropertySymbols(meta).length > 0) return false;
  return !/%[scdjifoO%]/.test(message);
}
