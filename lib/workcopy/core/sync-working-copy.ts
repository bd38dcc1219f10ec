import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describeError, IntegralGitError } from '../../errors';
import { assertCommitId } from '../../commit-id';
import { assertBranchName, assertRemoteName } from './check-names';
import { assertLocationAllowed } from './check-location';
import { assertTreeSafe } from './check-tree-safety';
import type { SyncPlan, SyncRequest, SyncResult, TreeDiff } from './git-backend';
import type { CopyState, DriverContext, GitDriver, LocalState } from './git-driver';
import { assertSameRepository, inspectLocation, LocationState } from './inspect-location';
import { findOverwrittenUntracked, localChangesError } from './local-changes';
import { stripCredentials } from '../../remote-url';
import { targetEntries, touchesSubmodules, touchesSymlinks, trackedBefore, type TreeChange } from './tree-changes';
import { MODE_GITLINK, MODE_TREE, TreeEntry } from './tree-entry';

/**
 * The one sync procedure both backends run (SPEC §4.3):
 *   location allowed → what is there (absent / empty / our copy / refused)
 *   → local changes (tracked edits, local commits; the worktree scan alongside the fetch
 *   of the settings' URL)
 *   → target commit → tree safety → untracked files the target would overwrite
 *   → checkout → mark deployed.
 * Every refusal happens before the working tree is touched. A clone goes to a hidden
 * sibling directory first and is moved into `location` only once checked out, so an
 * interrupted or refused clone never leaves a half-made copy at `location`.
 *
 * An update checks what changed between HEAD and the target (tree-changes.ts) when the
 * driver can diff, instead of listing the whole target tree and the whole index on every
 * deployment; the whole tree is still read and checked when HEAD's tree was not checked
 * under the current rules (CHECKED_REF) or a symlink changes.
 */
export async function syncWorkingCopy(driver: GitDriver, req: SyncRequest): Promise<SyncResult> {
  const { loc, state, ctx, copy, steps, step } = await prepare(driver, req, true);
  if (!copy) return cloneInto(driver, req, ctx, loc, state, steps, step);

  const url = stripCredentials(req.repo.url);
  // The network fetch runs alongside the worktree scan (`git status`), which reads nothing a
  // fetch writes. It starts only once the refs the checks read are read and the "local
  // commits not on the remote" walk is done (copy.refsRead): that walk starts from the
  // tracking ref a fetch moves, and one that read the new tip of a shallow copy found HEAD
  // unreachable and refused a clean copy. The fetch writes objects and refs, never the tree,
  // so a refusal still comes before any file changes.
  const checked = copy.local.then((local) => {
    assertNoLocalChanges(req, local);
    return local;
  });
  checked.catch(() => undefined);
  if (copy.remotes[req.remote] !== url) {
    await checked;
    await driver.setRemote(loc, req.remote, url, req.branch, copy.remotes);
    if (copy.remotes[req.remote] === undefined) step(`added remote ${req.remote} = ${url}`);
  }
  let fetching: Promise<string | null>;
  if (req.noFetch) fetching = Promise.resolve(null);
  else if (req.fetchedCommit) fetching = Promise.resolve(req.fetchedCommit);
  else {
    // a check that failed is reported as such, with no fetch started
    await (copy.refsRead ?? checked);
    step(`fetching ${req.remote}/${req.branch} from ${url}`);
    fetching = driver.fetch(loc, ctx);
  }
  const [localResult, fetchResult] = await Promise.allSettled([checked, fetching]);
  // a refusal wins over a fetch error: it is what the sysadmin must fix first
  if (localResult.status === 'rejected') throw localResult.reason;
  if (fetchResult.status === 'rejected') throw fetchResult.reason;
  const local = localResult.value;
  const fetched = fetchResult.value;
  const previous = local.head;
  // the fetched id is not known to be a commit yet: diffTrees says, else it is resolved
  let commit = fetched && !req.targetCommit ? fetched : await resolveTarget(driver, loc, req, ctx);
  const changes = previous && driver.diffTrees ? await diffTrees(driver, loc, previous, commit, req.diffAfterFetch) : null;
  if (!changes && commit === fetched) commit = await resolveTarget(driver, loc, req, ctx);

  let tree: TreeEntry[] | undefined;
  if (changes && previous === local.checked && !touchesSymlinks(changes) && !(await addsOverUnchangedDirectory(loc, changes))) assertTreeSafe(targetEntries(changes), commit, req.location);
  else {
    tree = await driver.readTree(loc, commit);
    assertTreeSafe(tree, commit, req.location);
  }
  const overwritten = changes
    ? await findOverwrittenUntracked(loc, trackedBefore(changes), targetEntries(changes))
    : await findOverwrittenUntracked(loc, local.tracked ?? (await driver.trackedPaths(loc)), tree as TreeEntry[]);
  if (overwritten.length > 0) throw localChangesError(req.location, overwritten);
  const submodules = tree ? tree.some((e) => e.mode === MODE_GITLINK) : touchesSubmodules(changes ?? []) || (await isFile(path.join(loc, '.gitmodules')));
  const upstreamSet = copy.upstream.remote === req.remote && copy.upstream.merge === `refs/heads/${req.branch}`;
  // The refs state facts about `commit` that hold whether or not the checkout completes (its
  // tree passed the checks above; it is the commit being deployed): written alongside the
  // checkout, one process round trip fewer before the script. A checkout that fails leaves
  // HEAD off CHECKED_REF, so the next sync checks the whole tree again.
  const [checkedOut, marked] = await Promise.allSettled([
    driver.checkout(loc, ctx, commit, { tree, changes: changes ?? undefined, submodules, upstreamSet }, step),
    driver.markDeployed(loc, commit),
  ]);
  if (checkedOut.status === 'rejected') throw checkedOut.reason;
  if (marked.status === 'rejected') throw marked.reason;
  step(previous === commit ? `already at ${short(commit)}` : `checked out ${short(commit)} (was ${previous ? short(previous) : 'nothing'})`);
  return { previousCommit: previous, commit, cloned: false, steps };
}

/** What sync would do. Reads the copy and asks the remote for its head; writes nothing but a rollback commit's objects (plannedTarget). */
export async function planSync(driver: GitDriver, req: SyncRequest): Promise<SyncPlan> {
  const { loc, ctx, copy, steps, step } = await prepare(driver, req);
  const url = stripCredentials(req.repo.url);
  if (!copy) {
    if (req.noFetch) throw noFetchWithoutCopy(req.location);
    const commit = req.targetCommit ? await plannedTarget(driver, null, req, ctx) : await remoteHeadOrFail(driver, req);
    step(`would clone ${url} (branch ${req.branch}) into ${req.location}`);
    step(`would check out ${short(commit)}`);
    return { action: 'clone', previousCommit: null, commit, steps };
  }
  const local = await copy.local;
  assertNoLocalChanges(req, local);
  const previous = local.head;
  let commit: string;
  if (req.targetCommit) commit = await plannedTarget(driver, loc, req, ctx);
  else if (req.noFetch) commit = await trackingRefOrFail(driver, loc, req);
  else {
    step(`would fetch ${req.remote}/${req.branch} from ${url}`);
    commit = await remoteHeadOrFail(driver, req);
  }
  if (previous === commit) {
    step(`already at ${short(commit)}`);
    return { action: 'up-to-date', previousCommit: previous, commit, steps };
  }
  step(`would check out ${short(commit)} (was ${previous ? short(previous) : 'nothing'})`);
  return { action: 'update', previousCommit: previous, commit, steps };
}

async function prepare(driver: GitDriver, req: SyncRequest, forUpdate = false) {
  assertBranchName(req.branch);
  assertRemoteName(req.remote);
  if (req.targetCommit !== undefined) assertCommitId(req.targetCommit);
  driver.assertSupported(req.repo);
  const loc = assertLocationAllowed(req.location, req.allowedRoots);
  const state = await inspectLocation(loc, req.repo.url);
  let copy: CopyState | undefined;
  if (state === 'copy') {
    copy = await driver.inspect(loc, req.branch, req.fetchedCommit ? req.localBeforeFetch : undefined, forUpdate);
    assertSameRepository(req.location, req.repo.url, req.remote, copy.remotes);
  }
  const steps: string[] = [];
  const step = (line: string): void => {
    steps.push(line);
    req.onStep?.(line);
    req.logger?.info(line, { repo: req.repo.name, location: req.location });
  };
  const ctx: DriverContext = { repo: req.repo, branch: req.branch, remote: req.remote, logger: req.logger };
  return { loc, state, ctx, copy, steps, step };
}

function assertNoLocalChanges(req: SyncRequest, local: LocalState): void {
  const { changed, unpublished } = local;
  const all = [...changed];
  if (unpublished.length > 0) {
    const n = unpublished.length >= 100 ? '100+' : String(unpublished.length);
    all.push(`${n} local commit(s) not on the remote (${unpublished.slice(0, 3).map(short).join(', ')})`);
  }
  if (all.length > 0) throw localChangesError(req.location, all);
}

/** The diff `from` → `to`: the one started after the fetch when it is of exactly these ids, else the driver's now. */
async function diffTrees(driver: GitDriver, loc: string, from: string, to: string, early: Promise<TreeDiff | null> | undefined): Promise<TreeChange[] | null> {
  const known = early ? await early.catch(() => null) : null;
  if (known && known.from === from && known.to === to) return known.changes;
  return (driver.diffTrees as NonNullable<GitDriver['diffTrees']>)(loc, from, to);
}

async function isFile(abs: string): Promise<boolean> {
  return (await fs.lstat(abs).catch(() => null))?.isFile() ?? false;
}

async function cloneInto(
  driver: GitDriver,
  req: SyncRequest,
  ctx: DriverContext,
  loc: string,
  state: LocationState,
  steps: string[],
  step: (line: string) => void,
): Promise<SyncResult> {
  if (req.noFetch) throw noFetchWithoutCopy(req.location);
  const parent = path.dirname(loc);
  await fs.mkdir(parent, { recursive: true });
  await removeStaleClones(loc);
  const tmp = path.join(parent, `${tempPrefix(loc)}${crypto.randomBytes(6).toString('hex')}`);
  step(`cloning ${stripCredentials(req.repo.url)} (branch ${req.branch}) into ${req.location}`);
  try {
    const runAs = req.repo.runAs;
    if (runAs) {
      // the copy is created by and belongs to the runAs user; the parent stays as it is
      await fs.mkdir(tmp);
      await fs.chown(tmp, runAs.uid, runAs.gid);
    }
    await driver.clone(tmp, ctx);
    const commit = await resolveTarget(driver, tmp, req, ctx);
    const tree = await driver.readTree(tmp, commit);
    assertTreeSafe(tree, commit, req.location);
    await driver.checkout(tmp, ctx, commit, { tree, submodules: tree.some((e) => e.mode === MODE_GITLINK), upstreamSet: false }, step);
    await driver.markDeployed(tmp, commit);
    await moveInto(tmp, loc, state);
    step(`checked out ${short(commit)}`);
    return { previousCommit: null, commit, cloned: true, steps };
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

function tempPrefix(loc: string): string {
  return `.${path.basename(loc)}.integralgit-clone-`;
}

/** Leftovers of a clone interrupted by a crash (the deployment lock rules out a running one). */
async function removeStaleClones(loc: string): Promise<void> {
  const prefix = tempPrefix(loc);
  const names = await fs.readdir(path.dirname(loc)).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith(prefix)) await fs.rm(path.join(path.dirname(loc), name), { recursive: true, force: true });
  }
}

/**
 * A file or symlink added where the copy has a directory that the diff leaves alone: either
 * the directory's tracked contents go in the same diff (a normal replacement, listed as one
 * change with both modes) or the target holds the path twice (a file `f` beside an unchanged
 * tree `f/`), which only the whole tree shows. One lstat per added path.
 */
async function addsOverUnchangedDirectory(loc: string, changes: TreeChange[]): Promise<boolean> {
  for (const c of changes) {
    if (c.oldMode !== null || c.newMode === null || c.newMode === MODE_TREE) continue;
    const st = await fs.lstat(path.join(loc, c.path)).catch(() => null);
    if (st?.isDirectory()) return true;
  }
  return false;
}

/** Into an absent location: one rename. Into an existing empty directory (keeping its owner and mode): entry by entry, `.git` last. */
async function moveInto(tmp: string, loc: string, state: LocationState): Promise<void> {
  if (state === 'absent') {
    await fs.rename(tmp, loc);
    return;
  }
  const names = (await fs.readdir(tmp)).sort((a, b) => (a === '.git' ? 1 : b === '.git' ? -1 : 0));
  for (const name of names) await fs.rename(path.join(tmp, name), path.join(loc, name));
}

async function resolveTarget(driver: GitDriver, dir: string, req: SyncRequest, ctx: DriverContext): Promise<string> {
  if (!req.targetCommit) return trackingRefOrFail(driver, dir, req);
  let commit = await driver.resolve(dir, req.targetCommit);
  if (!commit && !req.noFetch) {
    if (req.targetCommit.length !== 40) {
      throw new IntegralGitError('IG_USAGE', `commit ${req.targetCommit} is not in the working copy yet: give its full 40-digit sha so it can be fetched`, {
        commit: req.targetCommit,
      });
    }
    await driver.fetchCommit(dir, ctx, req.targetCommit.toLowerCase());
    commit = await driver.resolve(dir, req.targetCommit);
  }
  if (!commit) {
    throw new IntegralGitError('IG_FETCH_FAILED', `commit ${req.targetCommit} was not found in ${stripCredentials(req.repo.url)}: check the commit id`, {
      repo: req.repo.name,
      commit: req.targetCommit,
    });
  }
  return commit;
}

async function trackingRefOrFail(driver: GitDriver, dir: string, req: SyncRequest): Promise<string> {
  const commit = await driver.resolve(dir, `refs/remotes/${req.remote}/${req.branch}`);
  if (commit) return commit;
  throw new IntegralGitError(
    'IG_FETCH_FAILED',
    req.noFetch
      ? `nothing has been fetched for ${req.remote}/${req.branch} in ${req.location} yet: run without --no-fetch`
      : `branch \`${req.branch}\` was not fetched from ${stripCredentials(req.repo.url)}: check \`branch\` in the repo config`,
    { repo: req.repo.name, branch: req.branch },
  );
}

async function remoteHeadOrFail(driver: GitDriver, req: SyncRequest): Promise<string> {
  const head = await driver.remoteHead(req.repo, req.branch);
  if (head) return head;
  throw new IntegralGitError(
    'IG_FETCH_FAILED',
    `branch \`${req.branch}\` does not exist on ${stripCredentials(req.repo.url)}: check \`branch\` in the repo config`,
    { repo: req.repo.name, branch: req.branch },
  );
}

/**
 * For a plan: the rollback commit. A full sha the copy lacks is looked up on the remote (its
 * objects fetched into the copy; no ref, index or file changes), so that a commit the
 * remote does not have is a usage error before anything is recorded, not a failed deployment.
 */
async function plannedTarget(driver: GitDriver, loc: string | null, req: SyncRequest, ctx: DriverContext): Promise<string> {
  const target = req.targetCommit as string;
  const local = loc ? await driver.resolve(loc, target) : null;
  if (local) return local;
  if (target.length !== 40 || req.noFetch) {
    throw new IntegralGitError('IG_USAGE', `commit ${target} is not in the working copy: give its full 40-digit sha so it can be fetched`, { commit: target });
  }
  const sha = target.toLowerCase();
  // no copy yet: the clone fetches the branch, and the deployment finds out
  if (!loc) return sha;
  let fetchError: unknown;
  await driver.fetchCommit(loc, ctx, sha).catch((err: unknown) => {
    fetchError = err;
  });
  const fetched = await driver.resolve(loc, sha);
  if (fetched) return fetched;
  // the remote could not be asked (network, credentials): that is not the commit's fault
  if (fetchError !== undefined && !/not our ref|no such remote ref|couldn't find remote ref|not found/i.test(describeError(fetchError))) throw fetchError;
  throw new IntegralGitError('IG_USAGE', `commit ${sha} is not on the remote ${stripCredentials(req.repo.url)}: check the commit id (\`git log\` of the branch)`, { commit: sha });
}

function noFetchWithoutCopy(location: string): IntegralGitError {
  return new IntegralGitError('IG_USAGE', `--no-fetch needs an existing working copy, and there is none at ${location}: run without --no-fetch`, { location });
}

function short(sha: string): string {
  return sha.slice(0, 12);
}
