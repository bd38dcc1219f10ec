import { IntegralGitError } from '../../errors';
import type { EmailTarget } from '../../settings/outcome-types';
import type { OutcomeFacts } from '../types';
import { headline, plainText } from './outcome-text';

export interface EmailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export function emailMessage(target: EmailTarget, facts: OutcomeFacts): EmailMessage {
  return { from: target.from, to: target.to, subject: `[IntegralGit] ${headline(facts)}`, text: plainText(facts) };
}

/**
 * Send one message over SMTP. `smtp://` upgrades with STARTTLS whenever the server offers
 * it (nodemailer's default), verifying the certificate; `smtps://` is TLS from the first
 * byte. Every phase (connect, greeting, each command) is bounded by `timeoutMs`, and so is
 * the whole: a server that hangs fails this attempt, the outbox retries later.
 */
export async function sendEmail(target: EmailTarget, message: EmailMessage, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
  const { timeoutMs, signal } = opts;
  const url = new URL(target.smtp);
  const secure = url.protocol === 'smtps:';
  // loaded on the first email sent: most servers never send one
  const nodemailer = (await import('nodemailer')).default;
  const transport = nodemailer.createTransport({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    ...(target.username !== undefined && target.password !== undefined ? { auth: { user: target.username, pass: target.password } } : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    onAbort = () => reject(signal?.reason instanceof Error ? signal.reason : new Error('the attempt was stopped'));
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([transport.sendMail({ ...message, to: message.to.join(', ') }), deadline]);
  } catch (err) {
    const e = err as Error & { responseCode?: number; code?: string };
    const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode !== 554 ? true : e.code === 'EAUTH';
    throw new IntegralGitError('IG_OUTCOME_SEND_FAILED', `SMTP to ${url.host} failed: ${e.message.replace(/\s+/g, ' ').trim()}`, {
      origin: `${url.protocol}//${url.host}`,
      ...(e.responseCode !== undefined ? { status: e.responseCode } : {}),
      permanent,
    });
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    transport.close();
  }
}
