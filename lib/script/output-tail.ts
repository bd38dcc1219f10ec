import type { KeptOutputChunk, ScriptStream } from './types';

interface Entry {
  stream: ScriptStream;
  text: string;
  bytes: number;
}

/** Small adjacent chunks of one stream are merged so that chatty scripts keep few entries. */
const MERGE_BELOW_BYTES = 16 * 1024;
/** A bound on entries too, so that tiny alternating stdout/stderr writes stay cheap. */
const MAX_ENTRIES = 64 * 1024;

/**
 * The last `maxBytes` of a script's output, in arrival order, stdout and stderr told
 * apart. Memory stays flat however much is pushed: old chunks are dropped, never
 * concatenated into one string.
 */
export class OutputTail {
  /** entries before `head` are dropped (set to undefined so their text can be collected) */
  private entries: Array<Entry | undefined> = [];
  private head = 0;
  private keptBytes = 0;
  private dropped = 0;

  constructor(private readonly maxBytes: number) {}

  push(stream: ScriptStream, text: string): void {
    if (text === '') return;
    const bytes = Buffer.byteLength(text, 'utf8');
    const last = this.entries[this.entries.length - 1];
    if (last && last.stream === stream && last.bytes + bytes <= MERGE_BELOW_BYTES) {
      last.text += text;
      last.bytes += bytes;
    } else {
      this.entries.push({ stream, text, bytes });
    }
    this.keptBytes += bytes;
    this.trim();
  }

  get truncatedBytes(): number {
    return this.dropped;
  }

  /** The kept chunks, with a marker first when earlier output was dropped. */
  chunks(): KeptOutputChunk[] {
    const kept: KeptOutputChunk[] = this.entries.slice(this.head).map((e) => ({ stream: (e as Entry).stream, text: (e as Entry).text }));
    if (this.dropped > 0) {
      kept.unshift({ stream: 'integralgit', text: `[… ${this.dropped} bytes of earlier output dropped …]\n` });
    }
    return kept;
  }

  private trim(): void {
    while (this.keptBytes > this.maxBytes || this.entries.length - this.head > MAX_ENTRIES) {
      const first = this.entries[this.head] as Entry;
      const excess = this.keptBytes - this.maxBytes;
      if (excess > 0 && excess < first.bytes) {
        const tail = utf8Tail(first.text, first.bytes - excess);
        const tailBytes = Buffer.byteLength(tail, 'utf8');
        this.dropped += first.bytes - tailBytes;
        this.keptBytes -= first.bytes - tailBytes;
        first.text = tail;
        first.bytes = tailBytes;
        if (tailBytes > 0) break;
      } else {
        this.dropped += first.bytes;
        this.keptBytes -= first.bytes;
      }
      this.entries[this.head] = undefined;
      this.head += 1;
    }
    // Compact now and then so that the dropped prefix does not hold the array's memory.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}

/** At most `maxBytes` from the end of `text`, starting on a character boundary. */
function utf8Tail(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  let start = buf.length - maxBytes;
  while (start < buf.length && (buf[start] & 0xc0) === 0x80) start += 1;
  return buf.subarray(start).toString('utf8');
}
