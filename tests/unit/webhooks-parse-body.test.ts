import { bodyFormat, formPayload, mediaType, parseBody, parseJsonObject } from '../../lib/webhook-primitives/parse-body';
import { request } from '../fixtures/providers/fixture-request';

const json = (text: string, contentType = 'application/json') => request({ 'content-type': contentType }, text);

describe('parseBody', () => {
  it('parses JSON, with or without a charset', () => {
    expect(parseBody(json('{"a":1}'))).toEqual({ a: 1 });
    expect(parseBody(json('{"a":1}', 'application/json; charset=utf-8'))).toEqual({ a: 1 });
    expect(parseBody(json('{"a":1}', 'application/vnd.example+json'))).toEqual({ a: 1 });
  });

  it('parses a form body through its payload field', () => {
    const req = json(`payload=${encodeURIComponent('{"ref":"refs/heads/main","x":"a b+c"}')}&other=1`, 'application/x-www-form-urlencoded');
    expect(parseBody(req)).toEqual({ ref: 'refs/heads/main', x: 'a b+c' });
  });

  it('sniffs the format when the content type is missing', () => {
    expect(bodyFormat(json('  {"a":1}', ''))).toBe('json');
    expect(bodyFormat(json('payload=%7B%7D', ''))).toBe('form');
    expect(() => bodyFormat(json('hello world', 'text/plain'))).toThrow('unsupported content type `text/plain`');
  });

  it.each([
    ['{"a":}', 'body is not valid JSON'],
    ['{"a":1 x', 'body is not valid JSON at position 7'],
    ['{"a":', 'body is not valid JSON (it ends too early)'],
    ['', 'body is empty'],
    ['   ', 'body is empty'],
    ['[1,2]', 'body must be a JSON object (got an array)'],
    ['null', 'body must be a JSON object (got null)'],
    ['42', 'body must be a JSON object (got a number)'],
    ['"x"', 'body must be a JSON object (got a string)'],
  ])('names what is wrong with %p', (text, message) => {
    expect(() => parseBody(json(text))).toThrow(expect.objectContaining({ code: 'IG_PAYLOAD_INVALID', message: expect.stringContaining(message) }));
  });

  it('does not echo the body in its messages', () => {
    try {
      parseBody(json('{"secretish":"do-not-echo" oops}'));
      throw new Error('should have thrown');
    } catch (err) {
      expect((err as Error).message).not.toContain('do-not-echo');
    }
  });

  it('says when the form has no payload field', () => {
    expect(() => parseBody(json('ref=refs%2Fheads%2Fmain', 'application/x-www-form-urlencoded'))).toThrow('form body has no `payload` field');
    expect(() => formPayload(Buffer.from(''))).toThrow('form body has no `payload` field');
    expect(() => parseBody(json('payload=not-json', 'application/x-www-form-urlencoded'))).toThrow('the form field `payload` is not valid JSON');
  });

  it('drops __proto__ keys so nothing can be polluted', () => {
    const parsed = parseJsonObject('{"__proto__":{"polluted":true},"a":{"__proto__":{"polluted":true},"b":1}}');
    expect(Object.prototype.hasOwnProperty.call(parsed, '__proto__')).toBe(false);
    expect((parsed as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(parsed.a).toEqual({ b: 1 });
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it('normalises media types', () => {
    expect(mediaType('Application/JSON ; charset=UTF-8')).toBe('application/json');
    expect(mediaType('')).toBe('');
  });
});
