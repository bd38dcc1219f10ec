import { isFullCommitId } from '../../commit-id';
import { mergeChanges, TreeChange } from '../core/tree-changes';

/**
 * Parsers for the machine-readable (`-z`) output of the git commands the native backend
 * runs. Pure, so that the formats are tested without git.
 */

/** `git status --porcelain=v2 -z --branch`: HEAD (null when unborn) and every path that differs. */
export function parseStatusV2(out: string): { head: string | null; changed: string[] } {
  const recs = out.split('\0');
  let head: string | null = null;
  const changed: string[] = [];
  for (let i = 0; i < recs.length; i++) {
    const r = recs[i];
    if (r.startsWith('# branch.oid ')) {
      const oid = r.slice('# branch.oid '.length);
      head = isFullCommitId(oid) ? oid : null;
      continue;
    }
    // fields before the path: ordinary 8, rename/copy 9 (the original path follows as its own record), unmerged 10
    const fields = r[0] === '1' ? 8 : r[0] === '2' ? 9 : r[0] === 'u' ? 10 : r[0] === '?' || r[0] === '!' ? 1 : -1;
    if (fields < 0 || r[1] !== ' ') continue;
    changed.push(afterFields(r, fields));
    if (r[0] === '2' && i + 1 < recs.length) changed.push(recs[++i]);
  }
  return { head, changed };
}

function afterFields(rec: string, n: number): string {
  let pos = 0;
  for (let i = 0; i < n; i++) pos = rec.indexOf(' ', pos) + 1;
  return rec.slice(pos);
}

/**
 * `git diff-tree --stdin --always -z --raw -r -t` for one `<commit> <base>` line: the commit
 * id, then `:<old mode> <new mode> <old oid> <new oid> <status>` and the path, as records.
 * Null when git printed no commit id (the object was not a commit).
 */
export function parseDiffTreeStdin(out: string): { commit: string; changes: TreeChange[] } | null {
  const recs = out.split('\0');
  const commit = recs[0];
  if (!isFullCommitId(commit)) return null;
  const records: Array<{ path: string; oldMode: string; newMode: string; newOid: string }> = [];
  for (let i = 1; i + 1 < recs.length; i += 2) {
    const meta = recs[i];
    if (!meta.startsWith(':')) return null;
    const [oldMode, newMode, , newOid, status] = meta.slice(1).split(' ');
    // renames and copies are switched off; a record with two paths would shift the rest
    if (!status || status[0] === 'R' || status[0] === 'C') return null;
    records.push({ path: recs[i + 1], oldMode, newMode, newOid });
  }
  return { commit, changes: mergeChanges(records) };
}

/** `git config -z --get-regexp`: key → last value (keys as git prints them). */
export function parseConfigZ(out: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const rec of out.split('\0')) {
    const nl = rec.indexOf('\n');
    if (nl < 0) continue;
    map.set(rec.slice(0, nl), rec.slice(nl + 1));
  }
  return map;
}

/**
 * `.git/FETCH_HEAD` after `git fetch <remote> +refs/heads/<branch>:…`: the fetched id, or null
 * when the file does not name that branch of that URL (someone else's fetch in the copy at
 * the same moment, say); the tracking ref is read instead then. git writes the URL without
 * user info, trailing `/` or `.git`; both sides are compared that way.
 */
export function parseFetchHead(text: string, branch: string, url: string): string | null {
  const first = text.split('\n')[0];
  const m = /^([0-9a-f]{40}|[0-9a-f]{64})\t\tbranch '(.*)' of (.*)$/.exec(first);
  return m && m[2] === branch && comparableUrl(m[3]) === comparableUrl(url) ? m[1] : null;
}

function comparableUrl(url: string): string {
  return url
    .replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@]*@/, '$1')
    .replace(/^[^/:@]+@(?=[^/:]+:)/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}
