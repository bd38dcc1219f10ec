import type { NotifyTarget } from '../../settings/outcome-types';
import { sendHttp } from '../send-http';
import type { OutcomeFacts } from '../types';
import { emailMessage, sendEmail } from './email';
import { slackRequest } from './slack';
import { webhookRequest } from './webhook';

/** One attempt to tell one target about one outcome; throws IG_OUTCOME_SEND_FAILED. */
export async function sendNotification(target: NotifyTarget, facts: OutcomeFacts, opts: { timeoutMs: number; signal?: AbortSignal; deliveryId: string }): Promise<void> {
  const bounds = { timeoutMs: opts.timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) };
  switch (target.type) {
    case 'webhook':
      await sendHttp(webhookRequest(target, facts, opts.deliveryId), { ...bounds, secrets: target.secret ? [target.secret] : [] });
      return;
    case 'slack':
      await sendHttp(slackRequest(target, facts), { ...bounds, secrets: [target.url] });
      return;
    case 'email':
      await sendEmail(target, emailMessage(target, facts), bounds);
  }
}
