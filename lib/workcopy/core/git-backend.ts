import type { Logger } from '../../log/logger';
import type { RepoSettings } from '../../settings/types';
import type { LocalState } from './git-driver';
import type { TreeChange } from './tree-changes';

/**
 * HEAD → target as a driver's diffTrees gave it, computed ahead of sync (the one-fetch path
 * starts it as its fetch ends, while the config is decided). A diff of two object ids never
 * changes, so sync takes it only for exactly the ids it needs and else diffs itself.
 */
export interface TreeDiff {
  from: string;
  to: string;
  changes: TreeChange[] | null;
}

/** What a deployment asks of the working copy (SPEC §4.3). */
export interface SyncRequest {
  /** the repository's settings: `url` is ALWAYS the URL fetched; `auth`, `sshKeyFile`, `knownHostsFile` */
  repo: RepoSettings;
  /** absolute, from the effective repo config */
  location: string;
  branch: string;
  /** remote name in the working copy (config `remote`, default origin); its URL is set to `repo.url` */
  remote: string;
  /** absolute */
  allowedRoots: string[];
  /** deploy this commit instead of the branch head (rollback) */
  targetCommit?: string;
  /** `trigger --no-fetch`: use what is already fetched */
  noFetch?: boolean;
  /** the branch was just fetched into the copy (with the config branch, in one fetch): its commit; sync does not fetch again */
  fetchedCommit?: string;
  /**
   * With fetchedCommit: the copy's local state read by that fetch's caller, its refs before the
   * fetch moved any and its worktree scan alongside it (NativeDriver.readLocalState)
   */
  localBeforeFetch?: Promise<LocalState>;
  /** With fetchedCommit: the diff HEAD → fetched commit started by that fetch's caller; null when it could not be had (never rejects) */
  diffAfterFetch?: Promise<TreeDiff | null>;
  /** progress lines ("fetching origin/master from https://…", "checked out abc123 (was def456)") */
  onStep?: (line: string) => void;
  logger?: Logger;
}

export interface SyncResult {
  previousCommit: string | null;
  commit: string;
  cloned: boolean;
  steps: string[];
}

/** What `sync` would do, for --dry-run: computing it changes nothing on disk. */
export interface SyncPlan {
  action: 'clone' | 'update' | 'up-to-date';
  previousCommit: string | null;
  commit: string;
  steps: string[];
}

export interface GitBackend {
  readonly name: 'native' | 'isomorphic';
  /** ls-remote: the sha of `branch` on the remote, null when the branch does not exist */
  remoteHead(repo: RepoSettings, branch: string): Promise<string | null>;
  /** HEAD of an existing working copy, null when there is none at `location` */
  currentCommit(location: string): Promise<string | null>;
  plan(req: SyncRequest): Promise<SyncPlan>;
  sync(req: SyncRequest): Promise<SyncResult>;
}
