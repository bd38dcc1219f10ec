/** Longest line handed on whole; a longer one is passed in pieces so memory stays bounded. */
const MAX_LINE_CHARS = 8 * 1024;

/** Cuts a stream of text into lines (without their `\n` or `\r\n`) for line-based logs. */
export class LineBuffer {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(text: string): void {
    let rest = this.partial + text;
    let nl = rest.indexOf('\n');
    while (nl !== -1) {
      this.emit(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
      nl = rest.indexOf('\n');
    }
    while (rest.length > MAX_LINE_CHARS) {
      this.onLine(rest.slice(0, MAX_LINE_CHARS));
      rest = rest.slice(MAX_LINE_CHARS);
    }
    this.partial = rest;
  }

  /** Hands on the last line when the stream ended without a newline. */
  end(): void {
    if (this.partial !== '') this.emit(this.partial);
    this.partial = '';
  }

  private emit(line: string): void {
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}
