import zlib from 'node:zlib';
import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';

/**
 * Reads a webhook body whole (signatures are over all of it) without letting a slow or
 * hostile client hold memory or the in-flight budget:
 * - a Content-Length above the limit is refused before a byte is read; a chunked or
 *   compressed body is refused the moment it crosses the limit (after inflation);
 * - the budget is charged with the bytes actually held (what was read, plus what it
 *   inflated to), not with what a request might one day send;
 * - a body that stalls for `idleMs`, or arrives slower than `minBytesPerSecond` once
 *   `graceMs` have passed, is cut off: git hosts send a delivery in one go.
 */
export interface BodyLimits {
  limit: number;
  idleMs: number;
  graceMs: number;
  minBytesPerSecond: number;
  /** take `bytes` from the shared budget; false when it is exhausted */
  charge(bytes: number): boolean;
}

export type BodyFailure =
  | { kind: 'too-large' }
  | { kind: 'too-slow'; reason: string }
  | { kind: 'budget' }
  | { kind: 'encoding'; message: string }
  | { kind: 'aborted' };

const DECODERS: Record<string, () => Transform> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};

export function readUpdateBody(req: IncomingMessage, limits: BodyLimits, done: (result: Buffer | BodyFailure) => void): void {
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && !DECODERS[encoding]) return done({ kind: 'encoding', message: `unsupported Content-Encoding ${encoding}` });
  const declared = Number.parseInt(String(req.headers['content-length'] ?? ''), 10);
  if (encoding === 'identity' && Number.isFinite(declared) && declared > limits.limit) return done({ kind: 'too-large' });

  const decoder = encoding === 'identity' ? undefined : DECODERS[encoding]();
  const chunks: Buffer[] = [];
  let held = 0;
  let received = 0;
  let finished = false;
  const started = Date.now();
  let lastData = started;

  const finish = (result: Buffer | BodyFailure): void => {
    if (finished) return;
    finished = true;
    clearInterval(watch);
    req.removeListener('data', onData);
    req.pause(); // the rest is not wanted: the answer closes the connection
    decoder?.destroy();
    done(result);
  };
  const keep = (buf: Buffer): void => {
    held += buf.length;
    if (held > limits.limit) return finish({ kind: 'too-large' });
    if (!limits.charge(buf.length)) return finish({ kind: 'budget' });
    chunks.push(buf);
  };
  const onData = (buf: Buffer): void => {
    lastData = Date.now();
    received += buf.length;
    if (!decoder) return keep(buf);
    if (!limits.charge(buf.length)) return finish({ kind: 'budget' }); // the compressed bytes are held until inflated
    decoder.write(buf);
  };
  decoder?.on('data', (buf: Buffer) => keep(buf));
  decoder?.on('error', (err) => finish({ kind: 'encoding', message: `the ${encoding} body cannot be decoded: ${err.message}` }));
  decoder?.on('end', () => finish(whole(chunks)));

  const tick = Math.min(250, limits.idleMs);
  let lastTick = started;
  let stalled = 0;
  const watch = setInterval(() => {
    const now = Date.now();
    // time this process itself stood still (a busy event loop, a paused VM) is not the client's slowness
    const late = Math.max(0, now - lastTick - tick * 2);
    lastTick = now;
    stalled += late;
    lastData += late;
    if (now - lastData >= limits.idleMs) return finish({ kind: 'too-slow', reason: `no data for ${Math.round(limits.idleMs / 1000)} s` });
    const elapsed = (now - started - stalled) / 1000;
    if (now - started - stalled >= limits.graceMs && received < elapsed * limits.minBytesPerSecond) {
      finish({ kind: 'too-slow', reason: `${received} bytes in ${elapsed.toFixed(1)} s, below ${limits.minBytesPerSecond} bytes/s` });
    }
  }, tick);
  watch.unref();

  req.on('data', onData);
  req.once('end', () => {
    if (decoder) decoder.end();
    else finish(whole(chunks));
  });
  req.once('aborted', () => finish({ kind: 'aborted' }));
  req.once('error', () => finish({ kind: 'aborted' }));
}

const LINGER_MS = 1_000;
const LINGER_BYTES = 1024 * 1024;

/**
 * After an early answer (413, 408…) the client may still be sending. Closing a socket
 * with unread data makes the kernel send a reset, which can destroy the answer before the
 * client reads it; so the rest is read and dropped for a moment (at most LINGER_MS and
 * LINGER_BYTES) after the half-close, then the connection is dropped. Call it before
 * answering with `Connection: close`: Node would otherwise destroy the socket (destroySoon)
 * as soon as the answer is written; here it only half-closes it.
 */
export function lingerAndClose(req: IncomingMessage): void {
  const socket = req.socket;
  Object.assign(socket, { destroySoon: () => socket.end() });
  let dropped = 0;
  let closing = false;
  const close = (): void => {
    if (closing) return;
    closing = true;
    clearTimeout(timer);
    socket.end();
    setTimeout(() => socket.destroy(), 2_000).unref();
  };
  const timer = setTimeout(close, LINGER_MS);
  timer.unref();
  req.on('data', (buf: Buffer) => {
    dropped += buf.length;
    if (dropped > LINGER_BYTES) close();
  });
  req.once('end', close);
  req.resume();
}

/** A git host's delivery usually arrives in one chunk: kept as it is, not copied. */
function whole(chunks: Buffer[]): Buffer {
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}
