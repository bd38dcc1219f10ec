import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { withFileLock } from '../locks/file-lock';

/**
 * The bare cache the config branch is fetched into: `<dataDir>/cache/<repo>.git`. Only
 * `refs/heads/integralgit` is ever fetched into it, shallow, so it stays tiny — except
 * that every fetch adds a packfile; callers reset it past a few packs (see fetch-config-branch).
 */
export function configCacheDir(dataDir: string, repoName: string): string {
  return path.join(dataDir, 'cache', `${safeName(repoName)}.git`);
}

/** Repo names are checked by the settings; a name that is not a plain file name still maps to one. */
function safeName(name: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) && !name.endsWith('.lock')) return name;
  const hash = crypto.createHash('sha256').update(name).digest('hex').slice(0, 12);
  return `${name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[._-]+/, '')}-${hash}`;
}

export async function ensureBareCache(gitdir: string): Promise<void> {
  if (fs.existsSync(path.join(gitdir, 'HEAD'))) return;
  fs.mkdirSync(gitdir, { recursive: true });
  const git = await import('isomorphic-git');
  await git.init({ fs, gitdir, bare: true, defaultBranch: 'integralgit' });
  // isomorphic-git maps fetched refs through the remote's refspec; the URL itself is
  // passed on every fetch and never written here (it may carry credentials)
  await git.setConfig({ fs, gitdir, path: 'remote.origin.fetch', value: '+refs/heads/integralgit:refs/remotes/origin/integralgit' });
}

export function countPacks(gitdir: string): number {
  try {
    return fs.readdirSync(path.join(gitdir, 'objects', 'pack')).filter((f) => f.endsWith('.pack')).length;
  } catch {
    return 0;
  }
}

export function removeCache(gitdir: string): void {
  fs.rmSync(gitdir, { recursive: true, force: true });
}

const inProcess = new Map<string, Promise<unknown>>();

/**
 * Run `fn` while holding the cache: serialised in this process (the server's workers) and
 * across processes (the CLI reading a config while the server fetches) with a lock file
 * beside the cache, so a reset never pulls a pack from under a reader.
 */
export async function withCacheLock<T>(gitdir: string, fn: () => Promise<T>): Promise<T> {
  const previous = inProcess.get(gitdir) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(async () => {
    fs.mkdirSync(path.dirname(gitdir), { recursive: true });
    return withFileLock(`${gitdir}.lock`, { waitMs: 40_000, what: `a fetch into the config cache ${gitdir}` }, fn);
  });
  inProcess.set(gitdir, run);
  try {
    return await run;
  } finally {
    if (inProcess.get(gitdir) === run) inProcess.delete(gitdir);
  }
}
