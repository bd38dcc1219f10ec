import type { NotifyTarget } from '../../settings/outcome-types';
import { sendHttp } from '../send-http';
import type { OutcomeFacts } from '../types';
import { emailMessage, sendEmail } from './email';
import { slackRequest } from './slack';
import { webhookRequest } from './webhook';

/** One attempt to tell one target about one outcome; throws IG_OUTCOME_SEND_FAILED. */
export async function sendNotification(target: NotifyTarget, facts: OutcomeFacts, opts: { timeoutMs: number; deliveryId: string }): Promise<void> {
  switch (target.type) {
    case 'webhook':
      await sendHttp(webhookRequest(target, facts, opts.deliveryId), { timeoutMs: opts.timeoutMs, secrets: target.secret ? [target.secret] : [] });
      return;
    case 'slack':
      await sendHttp(slackRequest(target, facts), { timeoutMs: opts.timeoutMs, secrets: [target.url] });
      return;
    case 'email':
      await sendEmail(target, emailMessage(target, facts), opts.timeoutMs);
  }
}
