import fs from 'node:fs';
import path from 'node:path';
import { isFullCommitId } from '../../commit-id';
import type { PlainConfig } from './read-git-files';

/**
 * IntegralGit's own refs (refs/integralgit/*) written as loose ref files, the way git's
 * files backend writes one: `<ref>.lock` created exclusively, the id written, renamed over
 * the ref. A loose ref wins over a `packed-refs` line, so an older packed value is simply
 * shadowed, as after `git update-ref`. On a deployment's path this saves a git process
 * (issue 16: each costs 6–25 ms of spawn and start-up on a small host) — the isomorphic
 * backend has always written these refs from its own process.
 *
 * Returns false, having written nothing, wherever git must do it: the config is not the
 * plain kind (read-git-files.ts) or stores refs otherwise (reftable), git would also log
 * these refs (`core.logAllRefUpdates=always`) or set shared permissions
 * (`core.sharedRepository`), or a lock file is already there (git then says who holds it).
 * The writes are synchronous: each is a few system calls, where an asynchronous one is a
 * thread-pool round trip of several ms on a loaded host.
 */
export function writeOwnRefs(gitDir: string, config: PlainConfig | undefined, updates: Array<[ref: string, oid: string]>): boolean {
  if (!config || config.has('extensions.refstorage') || config.has('core.sharedrepository')) return false;
  if (config.get('core.logallrefupdates')?.some((v) => v.toLowerCase() === 'always')) return false;
  for (const [ref, oid] of updates) {
    if (!ref.startsWith('refs/integralgit/') || ref.split('/').some((c) => c === '' || c === '.' || c === '..') || !isFullCommitId(oid)) {
      throw new Error(`not one of IntegralGit's refs, or not an object id: ${ref} ${oid}`);
    }
  }
  const locks: Array<[lock: string, file: string]> = [];
  try {
    // every lock first, as a git transaction takes them: a lock held elsewhere leaves all refs as they were
    for (const [ref, oid] of updates) {
      const file = path.join(gitDir, ref);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const fd = fs.openSync(`${file}.lock`, 'wx', 0o666);
      locks.push([`${file}.lock`, file]);
      try {
        fs.writeSync(fd, `${oid}\n`);
      } finally {
        fs.closeSync(fd);
      }
    }
  } catch (err) {
    for (const [lock] of locks) fs.rmSync(lock, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    // EEXIST: a lock held by someone else; EISDIR/ENOTDIR: a ref in the way of another's path
    if (code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTDIR' || code === 'EACCES') return false;
    throw err;
  }
  for (const [lock, file] of locks) fs.renameSync(lock, file);
  return true;
}
