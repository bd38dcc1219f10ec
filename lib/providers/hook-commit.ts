import { arr, get, getStr } from './payload-access';
import type { NormalizedCommit } from '../webhook-primitives/normalized-push';

/**
 * The commit shape GitHub introduced and GitLab, Gitea, Forgejo and Gogs copied:
 * `{ id, message, timestamp, url, author: { name, email, username } }`.
 * Entries without an id are dropped rather than failing the whole delivery.
 */
export function hookCommits(value: unknown): NormalizedCommit[] {
  return arr(value).map(hookCommit).filter((c): c is NormalizedCommit => c !== null);
}

function hookCommit(value: unknown): NormalizedCommit | null {
  const id = getStr(value, 'id');
  if (id === undefined) return null;
  const message = get(value, 'message');
  return {
    id,
    message: typeof message === 'string' ? message : '',
    authorName: getStr(value, 'author', 'name') ?? getStr(value, 'author', 'username') ?? '',
    authorEmail: getStr(value, 'author', 'email'),
    timestamp: getStr(value, 'timestamp') ?? '',
    url: getStr(value, 'url'),
  };
}
