import { isCommitId } from '../commit-id';
import { safeWebUrl } from './commit-text';


/**
 * The git host's page comparing `from` to `to`, derived from the page of `to` that its push
 * carried (so only hosts that gave us a commit URL get a link, and no host is guessed from
 * the remote URL). GitHub, Gitea, Forgejo, Gogs: `…/commit/<sha>` → `…/compare/<from>...<to>`;
 * GitLab: `…/-/commit/<sha>` → `…/-/compare/…`; Bitbucket Cloud: `…/commits/<sha>` →
 * `…/branches/compare/<to>%0D<from>`. Anything else: undefined.
 */
export function compareUrl(commitUrl: string | null | undefined, from: string | null | undefined, to: string | null | undefined): string | undefined {
  if (!from || !to || from === to || !isCommitId(from) || !isCommitId(to)) return undefined;
  const safe = safeWebUrl(commitUrl);
  if (!safe) return undefined;
  const url = new URL(safe);
  if (url.search || url.hash) return undefined;
  const m = /^(.*?)\/(-\/commit|commit|commits)\/([0-9a-f]+)\/?$/.exec(url.pathname);
  if (!m || !isCommitId(m[3]) || (!to.startsWith(m[3]) && !m[3].startsWith(to))) return undefined;
  const [, base, kind] = m;
  if (kind === 'commits') {
    if (url.hostname !== 'bitbucket.org') return undefined; // Bitbucket Server pages have no stable compare path
    url.pathname = `${base}/branches/compare/${to}%0D${from}`;
  } else {
    url.pathname = `${base}/${kind === '-/commit' ? '-/compare' : 'compare'}/${from}...${to}`;
  }
  return url.toString();
}
