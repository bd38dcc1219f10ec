import fs from 'node:fs/promises';
import path from 'node:path';
import type { RepoSettings, RunAs } from '../../settings/types';
import { fetchFailed } from '../core/fetch-error';
import { CHECKED_REF, CheckoutOptions, CopyState, DEPLOYED_REF, DriverContext, GitDriver, LocalState } from '../core/git-driver';
import { localChangesError, TrackedLookup, trackedLookup, TrackedState } from '../core/local-changes';
import { redact } from '../core/redact';
import { GitInvocation, localInvocation, networkInvocation } from './native-git-env';
import { parseConfigZ, parseDiffTreeStdin, parseFetchHead, parseStatusV2 } from './parse-git-output';
import { stripCredentials } from '../../remote-url';
import { GitCommandError, lastLines, runGit, RunGitResult } from './run-git';
import type { TreeChange } from '../core/tree-changes';
import { MODE_LINK, TreeEntry } from '../core/tree-entry';
import { parsePlainConfig, PlainConfig, readFileOrEmpty, readRefsFromFiles } from './read-git-files';
import { isFullCommitId } from '../../commit-id';
import { writeOwnRefs } from './write-own-refs';

/**
 * The native backend: the system git CLI, spawned with argument arrays. It brings SSH
 * remotes, submodules and git's own checkout. Every command runs inside the copy with
 * GIT_CEILING_DIRECTORIES set to its parent, so git can never wander into an enclosing
 * repository; see native-git-env.ts for the environment and credential handling.
 *
 * Each git process costs a few milliseconds of spawn and start-up before it does anything,
 * which on a small host is most of a deployment's time outside the fetch. So an update runs
 * as few as it can: the copy's config and refs are read from its files, `git status` scans
 * the tree alongside the fetch (and leaves the index refreshed), the fetched commit is read
 * from FETCH_HEAD, one diff-tree gives the target commit and what changed, one
 * `reset --keep` updates the files that change, the index and the branch, and IntegralGit's
 * own refs are written as files (write-own-refs.ts).
 */
export class NativeDriver implements GitDriver {
  readonly name = 'native' as const;

  /** `runAs`: every command runs as that user (a repo's own driver, from forUser) */
  constructor(private readonly runAs?: RunAs) {}

  forUser(runAs: RunAs): GitDriver {
    return new NativeDriver(runAs);
  }

  assertSupported(): void {
    // HTTPS, SSH and local paths are all git's business
  }

  private async local(dir: string, args: string[], okCodes?: number[], input?: string): Promise<RunGitResult> {
    const inv = localInvocation(path.dirname(dir));
    return runGit([...configArgs(inv, dir), ...args], { cwd: dir, env: inv.env, okCodes, input, runAs: this.runAs });
  }

  private async network(cwd: string, repo: RepoSettings, args: string[], what: string, branch?: string): Promise<RunGitResult> {
    const inv = networkInvocation(repo, path.dirname(cwd));
    try {
      return await runGit([...configArgs(inv, cwd), ...args], { cwd, env: inv.env, runAs: this.runAs });
    } catch (err) {
      if (!(err instanceof GitCommandError)) throw err;
      throw fetchFailed(repo, what, redact(lastLines(err.stderr), inv.secrets), branch);
    }
  }

  async remoteHead(repo: RepoSettings, branch: string): Promise<string | null> {
    const ref = `refs/heads/${branch}`;
    const res = await this.network('/', repo, ['ls-remote', '--', stripCredentials(repo.url), ref], `reading branch ${branch} of ${stripCredentials(repo.url)}`);
    for (const line of res.stdout.toString('utf8').split('\n')) {
      const [sha, name] = line.split('\t');
      if (name === ref) return sha;
    }
    return null;
  }

  async head(dir: string): Promise<string | null> {
    return this.resolve(dir, 'HEAD');
  }

  async remotes(dir: string): Promise<Record<string, string>> {
    return (await this.copyConfig(dir, '')).remotes;
  }

  /** remote URLs and the branch's upstream: from `.git/config` when it is plain (read-git-files.ts), else one `git config` */
  private async copyConfig(dir: string, branch: string, plain?: PlainConfig): Promise<Omit<CopyState, 'local'>> {
    let config: Map<string, string>;
    if (plain) config = new Map([...plain].map(([k, v]) => [k, v.at(-1) as string]));
    else {
      const res = await this.local(dir, ['config', '-z', '--get-regexp', '^(remote\\..*\\.url|branch\\..*\\.(remote|merge))$'], [1]);
      config = parseConfigZ(res.stdout.toString('utf8'));
    }
    const remotes: Record<string, string> = {};
    for (const [key, value] of config) {
      if (key.startsWith('remote.') && key.endsWith('.url')) remotes[key.slice('remote.'.length, -'.url'.length)] = value;
    }
    const upstream = { remote: config.get(`branch.${branch}.remote`) ?? null, merge: config.get(`branch.${branch}.merge`) ?? null };
    return { remotes, upstream };
  }

  async inspect(dir: string, branch: string, before?: Promise<LocalState>, forUpdate = false): Promise<CopyState> {
    const plain = await readPlainConfig(dir);
    // the reads run at once; the config is awaited first so that a foreign copy is refused
    // as such whatever the others found
    const config = this.copyConfig(dir, branch, plain);
    const { local, refsRead } = before ? this.localStateIfHeadStill(dir, branch, plain, before, forUpdate) : this.localState(dir, branch, plain, { refreshIndex: forUpdate });
    local.catch(() => undefined);
    refsRead.catch(() => undefined);
    return { ...(await config), local, refsRead };
  }

  /**
   * The copy's local state, started now: the refs and the local-commit walk first, then
   * (`refsRead`) a fetch into the copy may start while `git status` goes on. For the
   * one-fetch path (native-prefetch.ts), whose fetch happens before sync inspects the copy.
   */
  async readLocalState(dir: string, branch: string, scanAfter?: Promise<unknown>): Promise<{ local: Promise<LocalState>; refsRead: Promise<void> }> {
    const read = this.localState(dir, branch, await readPlainConfig(dir), { refreshIndex: true, scanAfter });
    read.local.catch(() => undefined);
    read.refsRead.catch(() => undefined);
    return read;
  }

  /**
   * `before` (read before the one-fetch path's fetch) when HEAD is still where it was: the
   * deployment lock was let go between that fetch and this sync, and a deployment from the
   * CLI may have moved HEAD meanwhile. Else everything is read again (the walk then starts
   * from the fetched tracking refs: a clean copy whose remote rewrote history is refused).
   */
  private localStateIfHeadStill(
    dir: string,
    branch: string,
    plain: PlainConfig | undefined,
    before: Promise<LocalState>,
    refreshIndex: boolean,
  ): { local: Promise<LocalState>; refsRead: Promise<void> } {
    const branchRef = `refs/heads/${branch}`;
    const local = (async () => {
      const [known, tips] = await Promise.all([before.catch(() => null), this.readTips(dir, branchRef, plain)]);
      const head = await headFromFile(dir, branchRef, tips);
      if (known && head !== undefined && known.head === head) return known;
      return this.localState(dir, branch, plain, { refreshIndex }).local;
    })();
    return { local, refsRead: local.then(() => undefined) };
  }

  /** refs/integralgit/* and the branch: from the ref files when the config is plain, else by `git for-each-ref` */
  private async readTips(dir: string, branchRef: string, plain: PlainConfig | undefined): Promise<Map<string, string>> {
    return (plain && (await readRefsFromFiles(path.join(dir, '.git'), plain, 'refs/integralgit/', [branchRef]))) || (await this.refTips(dir, branchRef));
  }

  /**
   * Two parts: the refs (HEAD, the branch, refs/integralgit/*) and, when HEAD is not on a
   * commit IntegralGit put there, the "local commits not on the remote" walk, which reads the
   * remote-tracking refs a fetch moves; and `git status`, the scan of the index and every
   * tracked file, which reads nothing a fetch writes. `refsRead` settles once the first part
   * is done, so the fetch can run alongside the scan only (sync-working-copy.ts).
   *
   * `refreshIndex`: the scan writes the stat data it refreshed into the index, as a plain
   * `git status` does, so that the update after it (`reset --keep`, which looks only at the
   * files that change) takes a file that was touched but not changed for unchanged; only for
   * a sync, which writes the index anyway (a plan writes nothing). `scanAfter`: the scan
   * waits for it (the one-fetch path hands git its fetch first: the fetch is the long pole).
   */
  private localState(
    dir: string,
    branch: string,
    plain: PlainConfig | undefined,
    opts: { refreshIndex?: boolean; scanAfter?: Promise<unknown> } = {},
  ): { local: Promise<LocalState>; refsRead: Promise<void> } {
    const branchRef = `refs/heads/${branch}`;
    const args = ['status', '--porcelain=v2', '-z', '--branch', '--no-ahead-behind', '--untracked-files=no', '--ignore-submodules=none'];
    const scan = (): Promise<RunGitResult> => this.local(dir, opts.refreshIndex ? args : ['--no-optional-locks', ...args]);
    const status = opts.scanAfter ? opts.scanAfter.then(scan, scan) : scan();
    status.catch(() => undefined);
    const parsed = status.then((res) => parseStatusV2(res.stdout.toString('utf8')));
    parsed.catch(() => undefined);
    const refs = (async () => {
      const tips = await this.readTips(dir, branchRef, plain);
      // HEAD from its file when it names the branch (the usual case): else status says
      const head = (await headFromFile(dir, branchRef, tips)) ?? (await parsed).head;
      const ours = [...tips].filter(([ref]) => ref.startsWith('refs/integralgit/')).map(([, oid]) => oid);
      const branchTip = tips.get(branchRef);
      // HEAD on a commit IntegralGit put there and the branch on HEAD (or absent): nothing can be
      // unpublished, which is what rev-list would say; otherwise ask it
      const settled = head === null ? !branchTip : ours.includes(head) && (!branchTip || branchTip === head);
      const unpublished = settled ? [] : await this.unpublishedCommits(dir, branch);
      return { head, unpublished, checked: tips.get(CHECKED_REF) ?? null };
    })();
    const local = (async (): Promise<LocalState> => {
      const { head, unpublished, checked } = await refs;
      return { head, changed: (await parsed).changed, unpublished, checked };
    })();
    return { local, refsRead: refs.then(() => undefined) };
  }

  /** refs/integralgit/* and the branch, by `git for-each-ref` */
  private async refTips(dir: string, branchRef: string): Promise<Map<string, string>> {
    const refs = await this.local(dir, ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/integralgit/', branchRef]);
    const tips = new Map<string, string>();
    for (const line of refs.stdout.toString('utf8').split('\n')) {
      const sp = line.indexOf(' ');
      if (sp > 0) tips.set(line.slice(sp + 1), line.slice(0, sp));
    }
    return tips;
  }

  async setRemote(dir: string, remote: string, url: string, branch: string, current: Record<string, string>): Promise<void> {
    if (current[remote] === url) return;
    if (current[remote] !== undefined) await this.local(dir, ['remote', 'set-url', remote, url]);
    else await this.local(dir, ['remote', 'add', '-t', branch, remote, url]);
  }

  async clone(dir: string, ctx: DriverContext): Promise<void> {
    const url = stripCredentials(ctx.repo.url);
    await this.network(
      // a runAs user may not search the parent (the server's umask); the sync made `dir` theirs
      this.runAs ? dir : path.dirname(dir),
      ctx.repo,
      ['clone', '--quiet', '--no-checkout', '--single-branch', '--no-tags', '--depth', '1', '--branch', ctx.branch, '--origin', ctx.remote, '--', url, dir],
      `cloning ${url} (branch ${ctx.branch})`,
      ctx.branch,
    );
  }

  async fetch(dir: string, ctx: DriverContext): Promise<string | null> {
    const { remote, branch } = ctx;
    const fetchHead = path.join(dir, '.git', 'FETCH_HEAD');
    // a FETCH_HEAD left by an earlier fetch must never be taken for this one's
    await fs.rm(fetchHead, { force: true });
    await this.network(
      dir,
      ctx.repo,
      // fetch.writeFetchHead=false in some config would leave no FETCH_HEAD: then the tracking ref is read
      ['-c', 'fetch.writeFetchHead=true', 'fetch', '--quiet', '--no-tags', '--recurse-submodules=no', '--', remote, `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`],
      `fetching ${remote}/${branch} from ${stripCredentials(ctx.repo.url)}`,
      branch,
    );
    return parseFetchHead(await fs.readFile(fetchHead, 'utf8').catch(() => ''), branch, stripCredentials(ctx.repo.url));
  }

  async fetchCommit(dir: string, ctx: DriverContext, sha: string): Promise<void> {
    const shallow = (await this.local(dir, ['rev-parse', '--is-shallow-repository'])).stdout.toString().trim() === 'true';
    await this.network(
      dir,
      ctx.repo,
      ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--recurse-submodules=no', ...(shallow ? ['--depth', '1'] : []), '--', ctx.remote, sha],
      `fetching commit ${sha} from ${stripCredentials(ctx.repo.url)}`,
    );
  }

  async resolve(dir: string, ref: string): Promise<string | null> {
    const res = await this.local(dir, ['rev-parse', '--verify', '-q', `${ref}^{commit}`], [1, 128]);
    return res.code === 0 ? res.stdout.toString('utf8').trim() : null;
  }

  async readTree(dir: string, commit: string): Promise<TreeEntry[]> {
    const res = await this.local(dir, ['ls-tree', '-r', '-t', '-z', '--full-tree', commit]);
    const entries: TreeEntry[] = [];
    for (const rec of res.stdout.toString('utf8').split('\0')) {
      const tab = rec.indexOf('\t');
      if (tab < 0) continue;
      const [mode, , oid] = rec.slice(0, tab).split(' ');
      entries.push({ path: rec.slice(tab + 1), mode: mode === '40000' ? '040000' : mode, oid });
    }
    const links = entries.filter((e) => e.mode === MODE_LINK);
    if (links.length > 0) {
      const targets = parseBatch((await this.local(dir, ['cat-file', '--batch'], undefined, links.map((l) => l.oid).join('\n') + '\n')).stdout);
      for (const l of links) l.linkTarget = targets.get(l.oid) ?? '';
    }
    return entries;
  }

  async diffTrees(dir: string, from: string, to: string): Promise<TreeChange[] | null> {
    // --stdin prints the commit id first, and nothing for an object that is not a commit
    const res = await this.local(
      dir,
      ['diff-tree', '--stdin', '--always', '-z', '--raw', '-r', '-t', '--no-renames', '--ignore-submodules=none', '-O/dev/null'],
      undefined,
      `${to} ${from}\n`,
    );
    const parsed = parseDiffTreeStdin(res.stdout.toString('utf8'));
    return parsed && parsed.commit === to ? parsed.changes : null;
  }

  async trackedPaths(dir: string): Promise<TrackedLookup> {
    const files = await this.local(dir, ['ls-files', '-z']);
    return trackedLookup(new Set(files.stdout.toString('utf8').split('\0').filter((p) => p !== '')));
  }

  /** status and index in the old two-call form; kept for the per-primitive profile (bench/) */
  async trackedState(dir: string): Promise<TrackedState> {
    const status = await this.local(dir, ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=no', '--ignore-submodules=none']);
    const recs = status.stdout.toString('utf8').split('\0');
    const changed: string[] = [];
    for (let i = 0; i < recs.length; i++) {
      const r = recs[i];
      if (r.length < 4) continue;
      changed.push(r.slice(3));
      if (r[0] === 'R' || r[0] === 'C') changed.push(recs[++i]);
    }
    const files = await this.local(dir, ['ls-files', '-z']);
    const tracked = new Set(files.stdout.toString('utf8').split('\0').filter((p) => p !== ''));
    return { changed, tracked };
  }

  /** commits on HEAD or refs/heads/<branch> that no remote-tracking ref nor refs/integralgit/* contain (an unborn HEAD or absent branch is skipped) */
  async unpublishedCommits(dir: string, branch: string): Promise<string[]> {
    const res = await this.local(dir, ['rev-list', '--ignore-missing', '--max-count=100', 'HEAD', `refs/heads/${branch}`, '--not', '--remotes', '--glob=refs/integralgit/*']);
    return res.stdout.toString('utf8').split('\n').filter((s) => s !== '');
  }

  async checkout(dir: string, ctx: DriverContext, commit: string, opts: CheckoutOptions, onStep: (line: string) => void): Promise<void> {
    if (opts.changes && headFileNames(dir, `refs/heads/${ctx.branch}`)) await this.resetKeep(dir, commit);
    else await this.local(dir, ['checkout', '--quiet', '--force', '--no-recurse-submodules', '-B', ctx.branch, commit]);
    if (!opts.upstreamSet) await this.local(dir, ['branch', '--quiet', `--set-upstream-to=${ctx.remote}/${ctx.branch}`, ctx.branch], [128]);
    if (opts.submodules) {
      onStep('updating submodules');
      // Submodule URLs come from the repository's .gitmodules: they are fetched with the same
      // credentials when on the same host, and git's protocol.*.allow rules apply (no ext::,
      // no local paths from a submodule).
      await this.network(dir, ctx.repo, ['submodule', '--quiet', 'sync', '--recursive'], 'syncing submodule URLs');
      await this.network(dir, ctx.repo, ['submodule', '--quiet', 'update', '--init', '--recursive', '--checkout'], 'updating submodules');
    }
  }

  /**
   * An update of a copy whose HEAD is on the branch and whose local changes were ruled out:
   * `git reset --keep` is git's two-tree merge (read-tree -m -u HEAD <commit>) plus the
   * branch's move, in one process. Unlike `checkout --force` it looks only at the files that
   * change (checkout stats every tracked file again after `git status` did: the second scan
   * at 100,000 files), and it refuses, writing nothing, when one of them differs from the
   * index (changed since the check); that refusal is reported as the local change it is.
   */
  private async resetKeep(dir: string, commit: string): Promise<void> {
    try {
      await this.local(dir, ['reset', '--quiet', '--no-recurse-submodules', '--keep', commit]);
    } catch (err) {
      const paths = err instanceof GitCommandError ? refusedPaths(err.stderr) : [];
      if (paths.length > 0) throw localChangesError(dir, paths);
      throw err;
    }
  }

  async markDeployed(dir: string, commit: string): Promise<void> {
    const updates: Array<[string, string]> = [
      [DEPLOYED_REF, commit],
      [CHECKED_REF, commit],
    ];
    // as another user (runAs) the files would belong to the server's user: git writes them then
    if (!this.runAs && writeOwnRefs(path.join(dir, '.git'), parsePlainConfig(readFileOrEmpty(path.join(dir, '.git', 'config'))), updates)) return;
    await this.local(dir, ['update-ref', '--stdin'], undefined, updates.map(([ref, oid]) => `update ${ref} ${oid}\n`).join(''));
  }
}

/**
 * `safe.directory` names the copy the command runs in: a copy owned by a repo's `runAs`
 * user is inspected by the server's user too (status, plan, the UI), and git refuses a
 * repository owned by someone else unless told it is safe. Only that one directory, never `*`.
 */
function configArgs(inv: GitInvocation, dir: string): string[] {
  return [...inv.config, `safe.directory=${dir}`].flatMap((c) => ['-c', c]);
}

async function readPlainConfig(dir: string): Promise<PlainConfig | undefined> {
  return parsePlainConfig(await fs.readFile(path.join(dir, '.git', 'config'), 'utf8').catch(() => ''));
}

/**
 * HEAD's commit read from `.git/HEAD` when it is `ref: <branchRef>` (null: that branch is
 * unborn) or a detached commit id; undefined when it names another branch and git must say.
 */
async function headFromFile(dir: string, branchRef: string, tips: Map<string, string>): Promise<string | null | undefined> {
  const text = (await fs.readFile(path.join(dir, '.git', 'HEAD'), 'utf8').catch(() => '')).trim();
  if (text === `ref: ${branchRef}`) return tips.get(branchRef) ?? null;
  return isFullCommitId(text) ? text : undefined;
}

/** HEAD is `ref: <branchRef>` (read from its file; false when it cannot be read). */
function headFileNames(dir: string, branchRef: string): boolean {
  return readFileOrEmpty(path.join(dir, '.git', 'HEAD')).trim() === `ref: ${branchRef}`;
}

/** The paths git's two-tree merge refused ("Entry 'x' not uptodate", "Untracked working tree file 'x' would be overwritten"). */
function refusedPaths(stderr: string): string[] {
  const out: string[] = [];
  for (const m of stderr.matchAll(/^error: (?:Entry|Untracked working tree file|Updating) '(.+)' (?:not uptodate|would be overwritten|would lose untracked files)/gm)) out.push(m[1]);
  return out;
}

/** Parse `git cat-file --batch` output into oid → content (utf8). */
function parseBatch(buf: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) break;
    const [oid, type, size] = buf.subarray(pos, nl).toString('utf8').split(' ');
    if (type === 'missing' || size === undefined) {
      pos = nl + 1;
      continue;
    }
    const len = parseInt(size, 10);
    out.set(oid, buf.subarray(nl + 1, nl + 1 + len).toString('utf8'));
    pos = nl + 1 + len + 1;
  }
  return out;
}
