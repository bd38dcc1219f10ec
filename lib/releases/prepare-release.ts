import fs from 'node:fs/promises';
import path from 'node:path';
import { IntegralGitError } from '../errors';
import { assertTreeSafe } from '../workcopy/core/check-tree-safety';
import { localInvocation } from '../workcopy/native/native-git-env';
import { NativeDriver } from '../workcopy/native/native-backend';
import { GitCommandError, lastLines, runGit } from '../workcopy/native/run-git';
import { linkShared } from './link-shared';
import { releaseName, type ReleaseLayout } from './release-layout';

export interface PreparedRelease {
  name: string;
  dir: string;
  ms: number;
}

/**
 * A new release of `commit`: its tree checked like any deployment's (SPEC §4.3), checked out
 * with `git worktree add --detach` from the bare cache (objects shared, nothing copied; the
 * cache's gc sees every release's HEAD, which alternates would not), then the `shared`
 * entries linked. A release that fails half-way is removed again.
 */
export async function prepareRelease(req: { layout: ReleaseLayout; commit: string; shared?: readonly string[]; now?: Date }): Promise<PreparedRelease> {
  const started = performance.now();
  const { layout, commit } = req;
  await refuseInPlaceCopy(layout);
  assertTreeSafe(await new NativeDriver().readTree(layout.cache, commit), commit, layout.location);
  await fs.mkdir(layout.releases, { recursive: true });
  const name = await freeName(layout, req.now ?? new Date(), commit);
  const dir = path.join(layout.releases, name);
  const inv = localInvocation(layout.location);
  try {
    await runGit([...inv.config.flatMap((c) => ['-c', c]), '--git-dir', layout.cache, 'worktree', 'add', '--quiet', '--detach', dir, commit], { cwd: layout.cache, env: inv.env });
    if (req.shared?.length) await linkShared(dir, layout.shared, req.shared);
  } catch (err) {
    await removeRelease(layout, name);
    if (err instanceof GitCommandError) throw new IntegralGitError('IG_RELEASE_FAILED', `checking out ${commit.slice(0, 12)} into ${dir} failed: ${lastLines(err.stderr)}`, { release: name });
    throw err;
  }
  return { name, dir, ms: performance.now() - started };
}

/** Remove a release directory and its worktree registration in the cache. */
export async function removeRelease(layout: ReleaseLayout, name: string): Promise<void> {
  await fs.rm(path.join(layout.releases, name), { recursive: true, force: true });
  const inv = localInvocation(layout.location);
  await runGit(['--git-dir', layout.cache, 'worktree', 'prune'], { cwd: layout.cache, env: inv.env, okCodes: [128] }).catch(() => undefined);
}

/** Two deployments of one commit in the same second: the later one takes the next second. */
async function freeName(layout: ReleaseLayout, at: Date, commit: string): Promise<string> {
  for (let t = at.getTime(); ; t += 1000) {
    const name = releaseName(new Date(t), commit);
    if (!(await fs.lstat(path.join(layout.releases, name)).catch(() => null))) return name;
  }
}

async function refuseInPlaceCopy(layout: ReleaseLayout): Promise<void> {
  if (await fs.lstat(path.join(layout.location, '.git')).catch(() => null)) {
    throw new IntegralGitError(
      'IG_RELEASE_FAILED',
      `${layout.location} holds an in-place working copy (.git); releases need a location of their own: move the copy away, or point \`location\` at a new directory`,
      { location: layout.location },
    );
  }
}
