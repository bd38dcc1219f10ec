import { IntegralGitError } from '../errors';
import type { IncomingRequest } from './incoming-request';

export type BodyFormat = 'json' | 'form';

/** `application/json; charset=utf-8` → `application/json` */
export function mediaType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

/**
 * Which encoding the body uses: from the Content-Type, or, when that is missing or
 * generic, from the first bytes (some hook senders omit the header).
 */
export function bodyFormat(req: IncomingRequest): BodyFormat {
  const type = mediaType(req.contentType);
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  const head = req.rawBody.subarray(0, 64).toString('utf8').trimStart();
  if (head.startsWith('{') || head.startsWith('[')) return 'json';
  if (/^[A-Za-z0-9_.%-]+=/.test(head)) return 'form';
  throw invalid(
    `unsupported content type \`${type || '(none)'}\`: set the webhook's content type to application/json`,
  );
}

/**
 * The `payload` field of a form-encoded body, as text. Hosts that offer a form content
 * type (GitHub, Gitea, Gogs, the legacy Bitbucket service) put the JSON there.
 */
export function formPayload(rawBody: Buffer): string {
  const params = new URLSearchParams(rawBody.toString('utf8'));
  const payload = params.get('payload');
  if (payload === null) throw invalid('form body has no `payload` field');
  return payload;
}

/** Parse JSON text into plain data; `__proto__` keys are dropped so nothing downstream can be polluted. */
export function parseJsonObject(text: string, what = 'body'): Record<string, unknown> {
  if (text.trim() === '') throw invalid(`${what} is empty`);
  let value: unknown;
  try {
    // a reviver slows JSON.parse several times over: only pay for it when the key is there
    value = text.includes('__proto__') ? JSON.parse(text, (key, v) => (key === '__proto__' ? undefined : v)) : JSON.parse(text);
  } catch (err) {
    const position = /at position (\d+)/.exec(err instanceof Error ? err.message : '');
    const end = /end of JSON input/.test(err instanceof Error ? err.message : '');
    const where = position ? ` at position ${position[1]}` : end ? ' (it ends too early)' : '';
    throw invalid(`${what} is not valid JSON${where}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(`${what} must be a JSON object (got ${describeType(value)})`);
  }
  return value as Record<string, unknown>;
}

/** The body as a plain object, whether sent as JSON or as a form with a `payload` field. */
export function parseBody(req: IncomingRequest): Record<string, unknown> {
  if (bodyFormat(req) === 'form') return parseJsonObject(formPayload(req.rawBody), 'the form field `payload`');
  return parseJsonObject(req.rawBody.toString('utf8'));
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function invalid(message: string): IntegralGitError {
  return new IntegralGitError('IG_PAYLOAD_INVALID', message);
}
