import { OutputTail } from '../../lib/script/output-tail';
import { LineBuffer } from '../../lib/script/line-buffer';

const text = (tail: OutputTail): string => tail.chunks().map((c) => c.text).join('');

describe('OutputTail', () => {
  it('keeps everything, in order and tagged, while under the limit', () => {
    const tail = new OutputTail(1000);
    tail.push('stdout', 'a\n');
    tail.push('stderr', 'b\n');
    tail.push('stdout', 'c\n');
    expect(tail.chunks()).toEqual([
      { stream: 'stdout', text: 'a\n' },
      { stream: 'stderr', text: 'b\n' },
      { stream: 'stdout', text: 'c\n' },
    ]);
    expect(tail.truncatedBytes).toBe(0);
  });

  it('merges small adjacent chunks of one stream', () => {
    const tail = new OutputTail(1000);
    tail.push('stdout', 'a');
    tail.push('stdout', 'b');
    expect(tail.chunks()).toEqual([{ stream: 'stdout', text: 'ab' }]);
  });

  it('ignores empty chunks', () => {
    const tail = new OutputTail(10);
    tail.push('stdout', '');
    expect(tail.chunks()).toEqual([]);
  });

  it('drops the oldest output past the limit and says how much with a marker first', () => {
    const tail = new OutputTail(10);
    tail.push('stdout', '0123456789');
    tail.push('stderr', 'abcde');
    expect(tail.truncatedBytes).toBe(5);
    expect(tail.chunks()).toEqual([
      { stream: 'integralgit', text: '[… 5 bytes of earlier output dropped …]\n' },
      { stream: 'stdout', text: '56789' },
      { stream: 'stderr', text: 'abcde' },
    ]);
  });

  it('keeps the tail of a single chunk larger than the limit', () => {
    const tail = new OutputTail(4);
    tail.push('stdout', 'abcdefgh');
    expect(text(tail)).toBe('[… 4 bytes of earlier output dropped …]\nefgh');
  });

  it('cuts on a character boundary, never inside a multi-byte character', () => {
    const tail = new OutputTail(5);
    tail.push('stdout', 'ééé'); // 6 bytes; keeping 5 would split the first é
    expect(tail.chunks()[1]).toEqual({ stream: 'stdout', text: 'éé' });
    expect(tail.truncatedBytes).toBe(2);
  });

  it('keeps nothing with a zero limit but counts all of it', () => {
    const tail = new OutputTail(0);
    tail.push('stdout', 'abc');
    expect(tail.truncatedBytes).toBe(3);
    expect(tail.chunks()).toEqual([{ stream: 'integralgit', text: '[… 3 bytes of earlier output dropped …]\n' }]);
  });

  it('keeps kept + dropped equal to everything pushed over many chunks', () => {
    const tail = new OutputTail(1000);
    let total = 0;
    for (let i = 0; i < 5000; i++) {
      const chunk = `line ${i} ${'x'.repeat(i % 37)}\n`;
      tail.push(i % 3 === 0 ? 'stderr' : 'stdout', chunk);
      total += Buffer.byteLength(chunk);
    }
    const kept = tail.chunks().slice(1).reduce((n, c) => n + Buffer.byteLength(c.text), 0);
    expect(kept).toBeLessThanOrEqual(1000);
    expect(kept + tail.truncatedBytes).toBe(total);
    expect(text(tail).endsWith('line 4999 ' + 'x'.repeat(4999 % 37) + '\n')).toBe(true);
  });
});

describe('LineBuffer', () => {
  it('hands on whole lines across chunks, without \\n or \\r\\n', () => {
    const lines: string[] = [];
    const buf = new LineBuffer((l) => lines.push(l));
    buf.push('a\r\nb');
    buf.push('c\n\nd');
    expect(lines).toEqual(['a', 'bc', '']);
    buf.end();
    expect(lines).toEqual(['a', 'bc', '', 'd']);
  });

  it('passes an overlong line in pieces', () => {
    const lines: string[] = [];
    const buf = new LineBuffer((l) => lines.push(l));
    buf.push('x'.repeat(20000));
    buf.end();
    expect(lines.map((l) => l.length)).toEqual([8192, 8192, 3616]);
  });

  it('emits nothing at the end when the last line was complete', () => {
    const lines: string[] = [];
    const buf = new LineBuffer((l) => lines.push(l));
    buf.push('a\n');
    buf.end();
    expect(lines).toEqual(['a']);
  });
});
