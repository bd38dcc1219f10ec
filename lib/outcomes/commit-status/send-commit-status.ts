import { IntegralGitError } from '../../errors';
import type { RepoSettings } from '../../settings/types';
import { sendHttp } from '../send-http';
import type { OutcomeFacts } from '../types';
import { resolveStatusTarget } from './resolve-endpoint';
import { commitStatusUpdate } from './status-update';

/**
 * One attempt to post the status of one outcome on the deployed commit. `webhookProvider`
 * is the provider of the repo's last delivery, used when the settings name none.
 * Throws IG_OUTCOME_SEND_FAILED (permanent when the settings must change first).
 */
export async function sendCommitStatus(repo: RepoSettings, facts: OutcomeFacts, opts: { timeoutMs: number; signal?: AbortSignal; webhookProvider?: string }): Promise<void> {
  if (!repo.commitStatus) return;
  const update = commitStatusUpdate(facts);
  if (!update) return;
  const target = resolveStatusTarget(repo.url, repo.commitStatus, opts.webhookProvider);
  if ('problem' in target) {
    throw new IntegralGitError('IG_OUTCOME_SEND_FAILED', `repos.${repo.name}.commitStatus: ${target.problem}`, { permanent: !target.providerUnknown });
  }
  await sendHttp(target.provider.request(target.endpoint, update), { timeoutMs: opts.timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}), secrets: [repo.commitStatus.token] });
}
