import type { Logger } from '../log/logger';
import type { RepoSettings } from '../settings/types';
import type { TrackedState } from './local-changes';
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

export interface GitDriver {
  readonly name: 'native' | 'isomorphic';
  /** refuse early what this driver cannot do */
  assertSupported(repo: RepoSettings): void;
  remoteHead(repo: RepoSettings, branch: string): Promise<string | null>;
  /** HEAD commit of the copy at `dir`, null when unborn */
  head(dir: string): Promise<string | null>;
  /** remote name → URL, as configured in the copy */
  remotes(dir: string): Promise<Record<string, string>>;
  /** create or repoint `remote` to `url` (credentials already stripped) */
  setRemote(dir: string, remote: string, url: string, branch: string): Promise<void>;
  /** clone without checking anything out into `dir`, which does not exist yet */
  clone(dir: string, ctx: DriverContext): Promise<void>;
  /** fetch ctx.branch into refs/remotes/<remote>/<branch>, force-pushes included */
  fetch(dir: string, ctx: DriverContext): Promise<void>;
  /** make `sha` present locally (rollback to a commit that was not fetched yet) */
  fetchCommit(dir: string, ctx: DriverContext, sha: string): Promise<void>;
  /** a commit sha for a ref or (abbreviated) sha, null when it is not present */
  resolve(dir: string, ref: string): Promise<string | null>;
  /** every entry of the commit's tree, symlink targets filled in */
  readTree(dir: string, commit: string): Promise<TreeEntry[]>;
  /** tracked changes against HEAD and the index's paths; must not write anything */
  trackedState(dir: string): Promise<TrackedState>;
  /** commits on HEAD or refs/heads/<branch> that neither a remote-tracking ref nor the deployed marker contain */
  unpublishedCommits(dir: string, branch: string): Promise<string[]>;
  /** bring the copy to `commit` exactly, on a local branch `ctx.branch`; local changes were ruled out */
  checkout(dir: string, ctx: DriverContext, commit: string, tree: TreeEntry[], onStep: (line: string) => void): Promise<void>;
  /** remember what was deployed (refs/integralgit/deployed) */
  markDeployed(dir: string, commit: string): Promise<void>;
}

export const DEPLOYED_REF = 'refs/integralgit/deployed';
