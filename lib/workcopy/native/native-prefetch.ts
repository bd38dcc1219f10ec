import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_BRANCH } from '../../config/fetch-config-branch';
import type { ConfigBranch } from '../../config/read-config-at-commit';
import { readConfigWithGit } from '../../config/read-config-with-git';
import { stripCredentials } from '../../remote-url';
import type { RepoSettings } from '../../settings/types';
import { assertBranchName, assertRemoteName } from '../core/check-names';
import { localInvocation, networkInvocation } from './native-git-env';
import { runGit } from './run-git';
import { parsePlainConfig, readFileOrEmpty } from './read-git-files';
import { NativeDriver } from './native-backend';
import type { LocalState } from '../core/git-driver';
import type { TreeDiff } from '../core/git-backend';

/** Where the config branch lands in a working copy fetched this way (a ref of ours, never checked out). */
export const CONFIG_REF = 'refs/integralgit/config';

export interface PrefetchRequest {
  repo: RepoSettings;
  /** the copy, its remote and branch as the last valid config says */
  location: string;
  branch: string;
  remote: string;
  timeoutMs?: number;
  /** called as soon as the fetch is handed to git: work that would only slow its start waits until then */
  onFetchStarted?: () => void;
}

export interface Prefetched {
  location: string;
  branch: string;
  remote: string;
  /** the deployed branch's head, now in refs/remotes/<remote>/<branch> */
  commit: string;
  /** the config branch's head */
  configCommit: string;
  /** the config branch's file, read from the copy's objects; throws like fetchConfigBranch */
  readConfig: () => Promise<ConfigBranch>;
  /** the copy's local state: its refs read before the fetch, its `git status` run alongside it (SyncRequest.localBeforeFetch) */
  local: Promise<LocalState>;
  /** `git diff-tree` HEAD → commit, started as soon as the fetch ended (SyncRequest.diffAfterFetch) */
  diff: Promise<TreeDiff | null>;
}

/**
 * One `git fetch` for the deployed branch and the config branch together, into the existing
 * working copy the last valid config names (native backend). A deployment otherwise asks
 * the remote twice: once for the config, once for the code. Only objects and refs change
 * (no file of the tree), so the deployment's refusals still come before any file does.
 *
 * Returns null whenever this shortcut does not apply or fails — no copy there, a copy
 * whose remote is another URL, a missing branch, a network error — and the caller takes
 * the ordinary path, which reports the cause properly.
 */
export async function prefetchWithConfig(req: PrefetchRequest): Promise<Prefetched | null> {
  const { repo, location, branch, remote } = req;
  try {
    assertBranchName(branch);
    assertRemoteName(remote);
  } catch {
    return null;
  }
  // the small local reads before the fetch are synchronous: each async one is a thread-pool
  // round trip, several ms on a loaded host, all of it before the network starts
  if (repo.runAs || !statOrNull(path.join(location, '.git'))?.isDirectory()) return null;
  const url = stripCredentials(repo.url);
  const local = localInvocation(path.dirname(location));
  const safe = ['-c', `safe.directory=${location}`];
  // fetching the settings' URL into a copy of another repository is what sync refuses
  const configured =
    remoteUrlFromFile(readFileOrEmpty(path.join(location, '.git', 'config')), remote) ??
    (await runGit([...local.config.flatMap((c) => ['-c', c]), ...safe, 'config', '--get', `remote.${remote}.url`], { cwd: location, env: local.env, okCodes: [1] })).stdout
      .toString('utf8')
      .trim();
  if (configured !== url) return null;

  // sync's local-state checks, started here so that `git status` (a scan of every tracked
  // file) runs alongside the network fetch; the fetch waits for the refs they read, and the
  // scan for the fetch to be handed to git (one helper spawns both: the long pole first)
  let fetchHandedOver = (): void => undefined;
  const handed = new Promise<void>((resolve) => (fetchHandedOver = resolve));
  const driver = new NativeDriver();
  const { local: localState, refsRead } = await driver.readLocalState(location, branch, handed);
  await refsRead.catch(() => undefined);
  const fetchHead = path.join(location, '.git', 'FETCH_HEAD');
  fs.rmSync(fetchHead, { force: true });
  const inv = networkInvocation(repo, path.dirname(location));
  const fetching = runGit(
    [
      ...[...inv.config, `safe.directory=${location}`].flatMap((c) => ['-c', c]),
      '-c',
      'fetch.writeFetchHead=true',
      // git's housekeeping (`maintenance run --auto`, a foreground gc when due) would run
      // before this fetch returns, i.e. before the script: runAutoMaintenance, after it
      '-c',
      'maintenance.auto=false',
      'fetch',
      '--quiet',
      '--no-tags',
      '--recurse-submodules=no',
      '--',
      remote,
      `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`,
      `+refs/heads/${CONFIG_BRANCH}:${CONFIG_REF}`,
    ],
    { cwd: location, env: inv.env, timeoutMs: req.timeoutMs, okCodes: [1, 128] },
  );
  fetchHandedOver();
  req.onFetchStarted?.();
  const res = await fetching;
  if (res.code !== 0) return null;
  // removed above and written by this fetch of the remote just checked: no URL to compare
  const heads = parseFetchHeads(readFileOrEmpty(fetchHead));
  const commit = heads.get(branch);
  const configCommit = heads.get(CONFIG_BRANCH);
  if (!commit || !configCommit) return null;
  // sync's diff, started now: it runs while the config is read and decided, instead of after
  const diff = localState
    .then(async ({ head }) => (head ? { from: head, to: commit, changes: await driver.diffTrees(location, head, commit) } : null))
    .catch(() => null);
  const catFile = async (input: string): Promise<Buffer> =>
    (await runGit([...local.config.flatMap((c) => ['-c', c]), ...safe, 'cat-file', '--batch'], { cwd: location, env: local.env, input })).stdout;
  return { location, branch, remote, commit, configCommit, readConfig: () => readConfigWithGit({ commit: configCommit, url: repo.url, catFile }), local: localState, diff };
}

/**
 * What the prefetch's fetch left out: `git maintenance run --auto` in the copy (packs loose
 * objects when there are enough of them, in the foreground: gc.autoDetach is off). The
 * deployment runs it after the script, under the working copy's lock. Never throws: a
 * failed housekeeping run is not a failed deployment; the next one tries again.
 */
export async function runAutoMaintenance(location: string): Promise<{ ok: boolean; stderr: string }> {
  const local = localInvocation(path.dirname(location));
  try {
    await runGit([...local.config.flatMap((c) => ['-c', c]), '-c', `safe.directory=${location}`, 'maintenance', 'run', '--auto', '--quiet'], { cwd: location, env: local.env });
    return { ok: true, stderr: '' };
  } catch (err) {
    return { ok: false, stderr: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * The remote's URL as the copy's own `.git/config` states it, read without a git process
 * (which costs more than the read on a small host); undefined when the file is not the
 * plain kind git writes for a clone (read-git-files.ts): git is asked then.
 */
export function remoteUrlFromFile(text: string, remote: string): string | undefined {
  const config = parsePlainConfig(text);
  const urls = config?.get(`remote.${remote}.url`);
  // a second url line is a multi-URL remote: git config would say the last, and fetch uses the first
  if (!config || (urls && urls.length > 1)) return undefined;
  return urls?.[0] ?? '';
}

/** branch → fetched commit, from every line of FETCH_HEAD. */
function parseFetchHeads(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{40}|[0-9a-f]{64})\t(?:not-for-merge)?\tbranch '(.*)' of /.exec(line);
    if (m) out.set(m[2], m[1]);
  }
  return out;
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}
