import fs from 'node:fs';
import type { Logger } from '../log/logger';
import type { DeploymentStore, PushCommitInput } from '../store';
import { describeError } from '../errors';

const MAX_COMMITS = 200;

/**
 * Bitbucket Server sends no commit messages and other hosts cut long lists: once a
 * deployment has fetched the commits into the working copy, read them from there (any
 * backend leaves a normal .git) so the history shows them as completely as for GitHub.
 */
export async function fillTruncatedCommits(store: Pick<DeploymentStore, 'getPushEvent' | 'fillEventCommits'>, location: string, eventIds: Array<number | null>, logger: Logger): Promise<void> {
  for (const eventId of new Set(eventIds)) {
    if (eventId === null) continue;
    const event = store.getPushEvent(eventId);
    if (!event || !event.commitsTruncated || !event.after) continue;
    try {
      const commits = await commitsBetween(location, event.before, event.after);
      if (commits.length > 0) store.fillEventCommits(eventId, commits);
    } catch (err) {
      // the pushed commit may be gone (force-pushed away) or beyond a shallow history
      logger.info(`could not read the commits of push ${eventId} from ${location}: ${describeError(err)}`);
    }
  }
}

export async function commitsBetween(dir: string, before: string | null, after: string): Promise<PushCommitInput[]> {
  // loaded on the first truncated push, not at the server's start
  const git = await import('isomorphic-git');
  const entries = await git.log({ fs, dir, ref: after, depth: MAX_COMMITS });
  const out: PushCommitInput[] = [];
  for (const e of entries) {
    if (before && e.oid === before) break;
    const c = e.commit;
    out.push({
      id: e.oid,
      message: c.message.replace(/\n$/, ''),
      authorName: c.author.name,
      authorEmail: c.author.email,
      timestamp: new Date(c.author.timestamp * 1000).toISOString(),
    });
    if (!before) break; // a new branch: only its head is certainly new
  }
  return out.reverse();
}
