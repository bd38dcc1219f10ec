import fc from 'fast-check';
import { checkLimit, formatCursor, headBytes, parseCursor, tailBytes, toIsoUtc, toPage } from '../../lib/store/sql-helpers';

describe('store cursors and page sizes', () => {
  it('round-trip a row id through a cursor', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (id) => parseCursor(formatCursor(id)) === id));
  });

  it('start from the newest without a cursor', () => {
    expect(parseCursor(undefined)).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseCursor('')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('reject anything that is not a positive row id, without echoing a long input', () => {
    for (const bad of ['0', '-3', '01', '1.0', ' 1', 'abc', '1;DROP', '12345678901234567']) {
      expect(() => parseCursor(bad)).toThrow(/invalid page cursor/);
    }
    expect(() => parseCursor('x'.repeat(5000))).toThrow(expect.objectContaining({ message: expect.stringMatching(/^.{0,200}$/s) }));
  });

  it('accept page sizes from 1 to 1000 only', () => {
    expect(checkLimit(1)).toBe(1);
    expect(checkLimit(1000)).toBe(1000);
    for (const bad of [0, 1001, 2.5, -1, Number.NaN, Infinity]) expect(() => checkLimit(bad)).toThrow(/invalid page size/);
  });

  it('give a next cursor only when another row exists', () => {
    const rows = [{ id: 9 }, { id: 7 }, { id: 4 }];
    expect(toPage(rows, 2, (r) => r.id)).toEqual({ items: [9, 7], nextCursor: '7' });
    expect(toPage(rows, 3, (r) => r.id)).toEqual({ items: [9, 7, 4] });
    expect(toPage([], 3, (r: { id: number }) => r.id)).toEqual({ items: [] });
  });
});

describe('UTF-8 cuts', () => {
  it('keep at most the byte bound, never split a character, and keep the right end', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.integer({ min: 0, max: 80 }), (text, max) => {
        const tail = tailBytes(text, max);
        const head = headBytes(text, max);
        expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(max);
        expect(Buffer.byteLength(head)).toBeLessThanOrEqual(max);
        expect(text.endsWith(tail)).toBe(true);
        expect(text.startsWith(head)).toBe(true);
        // at most one character (≤ 4 bytes) short of the bound
        expect(Buffer.byteLength(tail)).toBeGreaterThan(Math.min(max, Buffer.byteLength(text)) - 4);
        expect(Buffer.byteLength(head)).toBeGreaterThan(Math.min(max, Buffer.byteLength(text)) - 4);
      }),
    );
  });
});

describe('toIsoUtc', () => {
  it('normalises parseable times to UTC and keeps the rest as given', () => {
    expect(toIsoUtc('2024-05-01T12:00:00+02:00', 'f')).toBe('2024-05-01T10:00:00.000Z');
    expect(toIsoUtc('garbage', 'f')).toBe('garbage');
    expect(toIsoUtc(undefined, 'f')).toBe('f');
    expect(toIsoUtc(null, 'f')).toBe('f');
    expect(toIsoUtc('', 'f')).toBe('f');
  });
});
