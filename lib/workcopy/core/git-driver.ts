import type { Logger } from '../../log/logger';
import type { RepoSettings, RunAs } from '../../settings/types';
import { TREE_RULES_VERSION } from './check-tree-safety';
import type { TrackedLookup } from './local-changes';
import type { TreeChange } from './tree-changes';
import type { TreeEntry } from './tree-entry';

/**
 * The git primitives a backend provides. The sync procedure itself — location checks,
 * foreign-copy detection, local-change detection, tree safety, clone-then-move — is shared
 * (sync-working-copy.ts), so both backends behave the same by construction and the
 * conformance suite checks what differs: how each primitive is done.
 */
export interface DriverContext {
  repo: RepoSettings;
  branch: string;
  remote: string;
  logger?: Logger;
}

/** What an existing copy's config says, read before anything else. */
export interface CopyState {
  /** remote name → URL */
  remotes: Record<string, string>;
  /** `branch.<branch>.remote` and `.merge`, null when unset */
  upstream: { remote: string | null; merge: string | null };
  /**
   * The rest of the copy's state, read at the same time; awaited only once the copy is
   * known to be ours (a foreign copy is refused as such, whatever its state). Never rejects
   * unhandled.
   */
  local: Promise<LocalState>;
  /**
   * Settles once every ref the local-state checks read has been read and the "local commits
   * not on the remote" walk is done: from then on a fetch may move the tracking refs (and a
   * shallow boundary) while the rest of `local` (the worktree scan) goes on. Absent: the
   * fetch waits for `local` (the isomorphic driver reads objects a fetch is still writing).
   */
  refsRead?: Promise<void>;
}

export interface LocalState {
  /** HEAD commit, null when unborn */
  head: string | null;
  /** tracked paths that differ from HEAD, in the index or on disk */
  changed: string[];
  /** every path in the index, when the driver had to read it anyway (else see trackedPaths) */
  tracked?: TrackedLookup;
  /** commits on HEAD or refs/heads/<branch> that neither a remote-tracking ref nor an refs/integralgit/* ref contain (at most 100) */
  unpublished: string[];
  /** the commit CHECKED_REF points to: its whole tree passed the current tree-safety rules */
  checked: string | null;
}

export interface CheckoutOptions {
  /** the target's whole tree when it was read (the isomorphic driver reads it otherwise) */
  tree?: TreeEntry[];
  /** the diff HEAD → target when the sync procedure computed it (drivers that diff) */
  changes?: TreeChange[];
  /** the target has submodules (or its `.gitmodules` or a gitlink changed) */
  submodules: boolean;
  /** `branch.<branch>.remote`/`.merge` already name `<remote>`/`refs/heads/<branch>` */
  upstreamSet: boolean;
}

export interface GitDriver {
  readonly name: 'native' | 'isomorphic';
  /** refuse early what this driver cannot do */
  assertSupported(repo: RepoSettings): void;
  /** the same driver with every command run as `runAs` (native only; settings refuse runAs with isomorphic) */
  forUser?(runAs: RunAs): GitDriver;
  remoteHead(repo: RepoSettings, branch: string): Promise<string | null>;
  /** HEAD commit of the copy at `dir`, null when unborn */
  head(dir: string): Promise<string | null>;
  /**
   * The config and state of an existing copy, read as cheaply as the driver can; writes
   * nothing but, with `forUpdate`, refreshed stat data in the index. `before`: the local state read just before a fetch into the copy (the one-fetch
   * path, native-prefetch.ts), taken as the copy's when HEAD has not moved since; a driver
   * may ignore it and read afresh. `forUpdate`: a sync follows, which writes the index
   * anyway, so the scan may write the stat data it refreshed (a plan writes nothing).
   */
  inspect(dir: string, branch: string, before?: Promise<LocalState>, forUpdate?: boolean): Promise<CopyState>;
  /** create or repoint `remote` to `url` (credentials already stripped); `current` is CopyState.remotes */
  setRemote(dir: string, remote: string, url: string, branch: string, current: Record<string, string>): Promise<void>;
  /** clone without checking anything out into `dir`, which does not exist yet */
  clone(dir: string, ctx: DriverContext): Promise<void>;
  /**
   * fetch ctx.branch into refs/remotes/<remote>/<branch>, force-pushes included. Returns the
   * fetched object id when the driver learnt it for free (not yet known to be a commit), else null.
   */
  fetch(dir: string, ctx: DriverContext): Promise<string | null>;
  /** make `sha` present locally (rollback to a commit that was not fetched yet) */
  fetchCommit(dir: string, ctx: DriverContext, sha: string): Promise<void>;
  /** a commit sha for a ref or (abbreviated) sha, null when it is not present */
  resolve(dir: string, ref: string): Promise<string | null>;
  /** every entry of the commit's tree, symlink targets filled in */
  readTree(dir: string, commit: string): Promise<TreeEntry[]>;
  /**
   * What differs between the trees of commit `from` and object `to`, trees included and one
   * change per path; null when `to` is not a commit. Optional: a driver without it has every
   * target tree read whole.
   */
  diffTrees?(dir: string, from: string, to: string): Promise<TreeChange[] | null>;
  /** every path in the index (files, symlinks, submodules) */
  trackedPaths(dir: string): Promise<TrackedLookup>;
  /** bring the copy to `commit` exactly, on a local branch `ctx.branch`; local changes were ruled out */
  checkout(dir: string, ctx: DriverContext, commit: string, opts: CheckoutOptions, onStep: (line: string) => void): Promise<void>;
  /** remember what was deployed (DEPLOYED_REF) and that its whole tree passed the safety rules (CHECKED_REF) */
  markDeployed(dir: string, commit: string): Promise<void>;
}

export const DEPLOYED_REF = 'refs/integralgit/deployed';
/**
 * Names the rules version, so that a copy checked under older rules is checked whole once
 * more when they tighten, instead of only the entries that change.
 */
export const CHECKED_REF = `refs/integralgit/tree-checked-v${TREE_RULES_VERSION}`;
