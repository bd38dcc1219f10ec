import nodeFs from 'node:fs';
import path from 'node:path';
import git, { AuthCallback, AuthFailureCallback } from 'isomorphic-git';
import { isCommitId } from '../../commit-id';
import { IntegralGitError, isIntegralGitError } from '../../errors';
import { gitHttpClient } from '../../git-http-client';
import type { RepoSettings } from '../../settings/types';
import { applyChanges, applyTree, writeEntry } from './apply-tree';
import { fetchFailed } from '../core/fetch-error';
import { entryFromStat, readIndex, writeIndex } from './git-index';
import { CHECKED_REF, CheckoutOptions, CopyState, DEPLOYED_REF, DriverContext, GitDriver, LocalState } from '../core/git-driver';
import { compactIfNeeded } from './isomorphic-compact';
import { isoDiffTrees } from './isomorphic-diff-trees';
import { isoReadTree } from './isomorphic-read-tree';
import { isoTrackedState, recordIndexTree } from './isomorphic-tracked-state';
import { TrackedLookup, trackedLookup, TrackedState } from '../core/local-changes';
import { redact } from '../core/redact';
import { isHttpUrl, stripCredentials, urlCredentials } from '../../remote-url';
import { targetEntries, TreeChange } from '../core/tree-changes';
import { MODE_LINK, TreeEntry } from '../core/tree-entry';
import { verifyTree } from './verify-tree';

/**
 * The isomorphic backend, for hosts without git: isomorphic-git for the transport and the
 * object store (HTTP(S) only), and IntegralGit's own checkout (apply-tree.ts), index
 * writer (git-index.ts) and tree verification, because isomorphic-git's forced checkout of
 * an existing copy leaves the wrong tree on several transitions. The copy is kept readable
 * by native git: core.filemode/symlinks true, ignorecase false, a real index, and packs
 * compacted once they pile up (isomorphic-compact.ts).
 */
const GIT_COMPATIBLE_CONFIG: Array<[string, boolean]> = [
  ['core.filemode', true],
  ['core.symlinks', true],
  ['core.ignorecase', false],
  ['core.bare', false],
  ['core.logallrefupdates', true],
];

export class IsomorphicDriver implements GitDriver {
  readonly name = 'isomorphic' as const;

  assertSupported(repo: RepoSettings): void {
    if (isHttpUrl(repo.url)) return;
    throw new IntegralGitError(
      'IG_SETTINGS_INVALID',
      `repo \`${repo.name}\` is fetched from ${stripCredentials(repo.url)}, but the isomorphic backend speaks HTTP(S) only: ` +
        'set `"git": "native"` in the server settings (git must be installed) for SSH or local remotes, or give an https:// `url`',
      { repo: repo.name },
    );
  }

  private transport(repo: RepoSettings) {
    const fromUrl = urlCredentials(repo.url);
    const password = repo.auth?.token ?? fromUrl.password;
    const username = repo.auth?.username ?? fromUrl.username ?? 'x-access-token';
    const onAuth: AuthCallback | undefined = password ? () => ({ username, password }) : undefined;
    const onAuthFailure: AuthFailureCallback = () => ({ cancel: true });
    const secrets = password ? [password, encodeURIComponent(password), Buffer.from(`${username}:${password}`).toString('base64')] : [];
    return { http: gitHttpClient({ url: repo.url }), url: stripCredentials(repo.url), onAuth, onAuthFailure, secrets };
  }

  private async network<T>(repo: RepoSettings, what: string, branch: string | undefined, run: (t: ReturnType<IsomorphicDriver['transport']>) => Promise<T>): Promise<T> {
    const t = this.transport(repo);
    try {
      return await run(t);
    } catch (err) {
      throw fetchFailed(repo, what, redact(describeIsoError(err), t.secrets), branch);
    }
  }

  async remoteHead(repo: RepoSettings, branch: string): Promise<string | null> {
    const ref = `refs/heads/${branch}`;
    const refs = await this.network(repo, `reading branch ${branch} of ${stripCredentials(repo.url)}`, undefined, (t) =>
      git.listServerRefs({ http: t.http, url: t.url, onAuth: t.onAuth, onAuthFailure: t.onAuthFailure, prefix: ref }),
    );
    return refs.find((r) => r.ref === ref)?.oid ?? null;
  }

  async head(dir: string): Promise<string | null> {
    return this.resolve(dir, 'HEAD');
  }

  async remotes(dir: string): Promise<Record<string, string>> {
    const list = await git.listRemotes({ fs: nodeFs, dir });
    return Object.fromEntries(list.map((r) => [r.remote, r.url]));
  }

  async inspect(dir: string, branch: string): Promise<CopyState> {
    const remotes = await this.remotes(dir);
    const local = this.localState(dir, branch);
    local.catch(() => undefined);
    // checkout writes the upstream config every time (in-process, nothing to save)
    return { remotes, upstream: { remote: null, merge: null }, local };
  }

  private async localState(dir: string, branch: string): Promise<LocalState> {
    const head = await this.head(dir);
    const { changed, tracked } = await this.trackedState(dir);
    const unpublished = await this.unpublishedCommits(dir, branch);
    return { head, changed, tracked: trackedLookup(tracked), unpublished, checked: await this.resolve(dir, CHECKED_REF) };
  }

  async trackedPaths(dir: string): Promise<TrackedLookup> {
    return trackedLookup((await this.trackedState(dir)).tracked);
  }

  async setRemote(dir: string, remote: string, url: string, branch: string): Promise<void> {
    const current = (await git.getConfig({ fs: nodeFs, dir, path: `remote.${remote}.url` })) as string | undefined;
    if (current === url) return;
    await git.setConfig({ fs: nodeFs, dir, path: `remote.${remote}.url`, value: url });
    if (current === undefined) {
      await git.setConfig({ fs: nodeFs, dir, path: `remote.${remote}.fetch`, value: `+refs/heads/${branch}:refs/remotes/${remote}/${branch}` });
    }
  }

  async clone(dir: string, ctx: DriverContext): Promise<void> {
    await this.network(ctx.repo, `cloning ${stripCredentials(ctx.repo.url)} (branch ${ctx.branch})`, ctx.branch, (t) =>
      git.clone({
        fs: nodeFs,
        http: t.http,
        dir,
        url: t.url,
        onAuth: t.onAuth,
        onAuthFailure: t.onAuthFailure,
        ref: ctx.branch,
        remote: ctx.remote,
        singleBranch: true,
        depth: 1,
        noCheckout: true,
        noTags: true,
      }),
    );
    await keepGitCompatible(dir);
  }

  async fetch(dir: string, ctx: DriverContext): Promise<string | null> {
    const res = await this.network(ctx.repo, `fetching ${ctx.remote}/${ctx.branch} from ${stripCredentials(ctx.repo.url)}`, ctx.branch, (t) =>
      git.fetch({
        fs: nodeFs,
        http: t.http,
        dir,
        url: t.url,
        onAuth: t.onAuth,
        onAuthFailure: t.onAuthFailure,
        remote: ctx.remote,
        ref: ctx.branch,
        remoteRef: ctx.branch,
        singleBranch: true,
        tags: false,
      }),
    );
    if (!res.fetchHead) throw fetchFailed(ctx.repo, `fetching ${ctx.branch}`, 'NotFoundError: no such branch', ctx.branch);
    // force-pushes included: the tracking ref follows the remote whatever the history did
    await git.writeRef({ fs: nodeFs, dir, ref: `refs/remotes/${ctx.remote}/${ctx.branch}`, value: res.fetchHead, force: true });
    // resolved afterwards like any ref: resolve() also makes sure it is a commit
    return null;
  }

  async fetchCommit(dir: string, ctx: DriverContext, sha: string): Promise<void> {
    const base = { fs: nodeFs, dir, remote: ctx.remote, ref: ctx.branch, singleBranch: true, tags: false };
    const what = `fetching commit ${sha} from ${stripCredentials(ctx.repo.url)}`;
    // A server may serve a commit by id (allowReachableSHA1InWant); if not, deepen the branch until it shows up.
    try {
      await this.network(ctx.repo, what, undefined, (t) => git.fetch({ ...base, http: t.http, url: t.url, onAuth: t.onAuth, onAuthFailure: t.onAuthFailure, remoteRef: sha, depth: 1 }));
      if (await this.resolve(dir, sha)) return;
    } catch {
      // fall through to deepening
    }
    for (let depth = 64; depth <= 1 << 20; depth *= 4) {
      await this.network(ctx.repo, what, ctx.branch, (t) =>
        git.fetch({ ...base, http: t.http, url: t.url, onAuth: t.onAuth, onAuthFailure: t.onAuthFailure, remoteRef: ctx.branch, depth, relative: true }),
      );
      if ((await this.resolve(dir, sha)) || !(await isShallow(dir))) return;
    }
  }

  async resolve(dir: string, ref: string): Promise<string | null> {
    try {
      const oid = isCommitId(ref)
        ? await git.expandOid({ fs: nodeFs, dir, oid: ref.toLowerCase() })
        : await git.resolveRef({ fs: nodeFs, dir, ref });
      const { type } = await git.readObject({ fs: nodeFs, dir, oid, format: 'content' });
      return type === 'commit' ? oid : null;
    } catch {
      return null;
    }
  }

  async readTree(dir: string, commit: string): Promise<TreeEntry[]> {
    return isoReadTree(path.join(dir, '.git'), commit);
  }

  async trackedState(dir: string): Promise<TrackedState> {
    return isoTrackedState(dir, await this.head(dir), (commit) => this.readTree(dir, commit));
  }

  async unpublishedCommits(dir: string, branch: string): Promise<string[]> {
    const tips = new Set<string>();
    for (const ref of ['HEAD', `refs/heads/${branch}`]) {
      const oid = await this.resolve(dir, ref);
      if (oid) tips.add(oid);
    }
    const published: string[] = [];
    const deployed = await this.resolve(dir, DEPLOYED_REF);
    if (deployed) published.push(deployed);
    for (const remote of Object.keys(await this.remotes(dir))) {
      const names = await git.listRefs({ fs: nodeFs, dir, filepath: `refs/remotes/${remote}` }).catch(() => [] as string[]);
      for (const n of names) {
        const oid = await this.resolve(dir, `refs/remotes/${remote}/${n}`);
        if (oid) published.push(oid);
      }
    }
    const out: string[] = [];
    for (const tip of tips) {
      if (published.includes(tip)) continue;
      let reachable = false;
      for (const p of published) {
        if (await git.isDescendent({ fs: nodeFs, dir, oid: p, ancestor: tip, depth: 10000 }).catch(() => false)) {
          reachable = true;
          break;
        }
      }
      if (!reachable) out.push(tip);
    }
    return out;
  }

  async diffTrees(dir: string, from: string, to: string): Promise<TreeChange[] | null> {
    return isoDiffTrees(path.join(dir, '.git'), from, to);
  }

  async checkout(dir: string, ctx: DriverContext, commit: string, opts: CheckoutOptions, onStep: (line: string) => void): Promise<void> {
    const gitdir = path.join(dir, '.git');
    await keepGitCompatible(dir);
    const cache = {};
    const readBlob = async (oid: string): Promise<Uint8Array> =>
      (await git.readObject({ fs: nodeFs, gitdir, oid, format: 'content', cache })).object as Uint8Array;
    const before = (await readIndex(gitdir)) ?? [];
    // with the diff (and an index equal to HEAD, which the local-change check made sure of)
    // only the changed entries are written and checked; else the whole tree is
    const diffBased = opts.changes !== undefined && before.length > 0;
    const target = diffBased ? await withLinkTargets(targetEntries(opts.changes as TreeChange[]), opts.tree, readBlob) : (opts.tree ?? (await this.readTree(dir, commit)));
    const result = diffBased ? await applyChanges(dir, before, opts.changes as TreeChange[], readBlob) : await applyTree(dir, before, target, readBlob);
    await writeIndex(gitdir, result.index);
    const hashed = before.length === 0 ? ('all' as const) : new Set(result.written);
    let wrong = await verifyTree(dir, target, hashed, result.removed);
    if (wrong.length > 0) {
      onStep(`rewriting ${wrong.length} path(s) that did not match commit ${commit.slice(0, 12)}: ${wrong.slice(0, 5).join(', ')}`);
      ctx.logger?.warn('isomorphic checkout left paths that differ from the commit; rewriting them', { paths: wrong.slice(0, 20) });
      const byPath = new Map(target.map((e) => [e.path, e]));
      const index = new Map(result.index.map((e) => [e.path, e]));
      for (const p of wrong) {
        const e = byPath.get(p);
        if (!e) {
          await nodeFs.promises.rm(path.join(dir, p), { force: true });
          continue;
        }
        await writeEntry(dir, e, e.mode === '160000' ? null : await readBlob(e.oid));
        const st = e.mode === '160000' ? null : await nodeFs.promises.lstat(path.join(dir, p), { bigint: true });
        index.set(p, entryFromStat(p, parseInt(e.mode, 8), e.oid, st));
      }
      await writeIndex(gitdir, [...index.values()]);
      wrong = await verifyTree(dir, target, new Set(wrong), result.removed);
      if (wrong.length > 0) {
        throw new IntegralGitError(
          'IG_INTERNAL',
          `the isomorphic backend could not bring ${dir} to commit ${commit.slice(0, 12)}: ${wrong.slice(0, 20).join(', ')} still differ. Use the native backend ("git": "native") for this repository`,
          { commit, paths: wrong },
        );
      }
    }
    await git.writeRef({ fs: nodeFs, gitdir, ref: `refs/heads/${ctx.branch}`, value: commit, force: true });
    await git.writeRef({ fs: nodeFs, gitdir, ref: 'HEAD', value: `refs/heads/${ctx.branch}`, symbolic: true, force: true });
    await git.setConfig({ fs: nodeFs, gitdir, path: `branch.${ctx.branch}.remote`, value: ctx.remote });
    await git.setConfig({ fs: nodeFs, gitdir, path: `branch.${ctx.branch}.merge`, value: `refs/heads/${ctx.branch}` });
    await recordIndexTree(gitdir, commit);
    if (opts.submodules) {
      onStep('submodules are not fetched by the isomorphic backend (their directories stay empty): use the native backend for repositories with submodules');
    }
  }

  async markDeployed(dir: string, commit: string): Promise<void> {
    await git.writeRef({ fs: nodeFs, dir, ref: DEPLOYED_REF, value: commit, force: true });
    await git.writeRef({ fs: nodeFs, dir, ref: CHECKED_REF, value: commit, force: true });
    await compactIfNeeded(dir);
  }
}

/** isomorphic-git's clone writes filemode/symlinks false and ignorecase true, after which native git misreads the copy. */
async function keepGitCompatible(dir: string): Promise<void> {
  for (const [key, value] of GIT_COMPATIBLE_CONFIG) {
    const current = await git.getConfig({ fs: nodeFs, dir, path: key });
    if (current !== value) await git.setConfig({ fs: nodeFs, dir, path: key, value });
  }
}

/** Symlink entries of the diff with their targets, which the verification compares: from the whole tree when it was read, else from the blobs. */
async function withLinkTargets(entries: TreeEntry[], tree: TreeEntry[] | undefined, readBlob: (oid: string) => Promise<Uint8Array>): Promise<TreeEntry[]> {
  const fromTree = new Map((tree ?? []).filter((e) => e.mode === MODE_LINK).map((e) => [e.path, e.linkTarget]));
  for (const e of entries) {
    if (e.mode === MODE_LINK) e.linkTarget = fromTree.get(e.path) ?? Buffer.from(await readBlob(e.oid)).toString('utf8');
  }
  return entries;
}

async function isShallow(dir: string): Promise<boolean> {
  const text = await nodeFs.promises.readFile(path.join(dir, '.git', 'shallow'), 'utf8').catch(() => '');
  return text.trim() !== '';
}

function describeIsoError(err: unknown): string {
  if (isIntegralGitError(err)) return err.message;
  const e = err as { code?: string; message?: string; data?: { statusCode?: number; statusMessage?: string } };
  if (e.code === 'HttpError' && e.data?.statusCode) return `HTTP ${e.data.statusCode} ${e.data.statusMessage ?? ''}`.trim();
  if (e.code === 'UserCanceledError') return 'HTTP 401 Unauthorized: the credentials were refused';
  if (e.code) return `${e.code}: ${e.message ?? ''}`;
  return e.message ?? String(err);
}
