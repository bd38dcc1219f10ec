import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { FixtureRepo, git, makeTempDir } from './git-fixture';

/**
 * Commits that FixtureRepo.commit cannot make: symlinks and modes (through the work clone),
 * raw trees git itself would refuse to check out (through `git mktree`), submodule
 * gitlinks; and a snapshot of a working copy to compare it with what `git checkout` leaves.
 */

/** Change the work clone with `mutate`, then commit everything and force-push `branch`. */
export function commitWorktree(repo: FixtureRepo, mutate: (work: string) => void, message = 'change', branch = 'master'): string {
  repo.checkout(branch);
  mutate(repo.work);
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '--allow-empty', '-m', message]);
  repo.git(['push', '-q', '-f', 'origin', `HEAD:refs/heads/${branch}`]);
  return repo.head();
}

export interface RawEntry {
  /** `/`-separated; any component may be a name git refuses to check out (`..`, `.git`, …) */
  path: string;
  mode?: '100644' | '100755' | '120000' | '160000';
  /** file content or symlink target (ignored for 160000) */
  content?: string;
  /** for 160000: the submodule commit */
  oid?: string;
}

/** Build a tree from raw entries with `git mktree`, commit it on top of the remote `branch`, and push it there (the work clone is left alone). */
export function pushRawTree(repo: FixtureRepo, entries: RawEntry[], message = 'raw tree', branch = 'master', parent?: string | null): string {
  const tree = mktree(repo, entries);
  const parentSha = parent === undefined ? git(repo.bare, ['rev-parse', `refs/heads/${branch}`]) : parent;
  const sha = repo.git(['commit-tree', tree, ...(parentSha ? ['-p', parentSha] : []), '-m', message]);
  repo.git(['push', '-q', '-f', 'origin', `${sha}:refs/heads/${branch}`]);
  return sha;
}

function mktree(repo: FixtureRepo, entries: RawEntry[]): string {
  const here = new Map<string, RawEntry[]>();
  const lines: string[] = [];
  for (const e of entries) {
    const slash = e.path.indexOf('/');
    if (slash >= 0) {
      const dir = e.path.slice(0, slash);
      here.set(dir, [...(here.get(dir) ?? []), { ...e, path: e.path.slice(slash + 1) }]);
      continue;
    }
    const mode = e.mode ?? '100644';
    if (mode === '160000') lines.push(`160000 commit ${e.oid}\t${e.path}`);
    else lines.push(`${mode} blob ${repo.git(['hash-object', '-w', '--stdin'], e.content ?? '')}\t${e.path}`);
  }
  for (const [dir, children] of here) lines.push(`040000 tree ${mktree(repo, children)}\t${dir}`);
  return repo.git(['mktree'], lines.join('\n') + '\n');
}

/** Commit a submodule gitlink at `at` (with its .gitmodules entry) on `branch` and push it. */
export function commitSubmodule(repo: FixtureRepo, at: string, url: string, sha: string, branch = 'master'): string {
  repo.checkout(branch);
  fs.writeFileSync(path.join(repo.work, '.gitmodules'), `[submodule "${at}"]\n\tpath = ${at}\n\turl = ${url}\n`);
  repo.git(['add', '.gitmodules']);
  repo.git(['update-index', '--add', '--cacheinfo', `160000,${sha},${at}`]);
  repo.git(['commit', '-q', '-m', `add submodule ${at}`]);
  repo.git(['push', '-q', '-f', 'origin', `HEAD:refs/heads/${branch}`]);
  return repo.head();
}

/**
 * Every path below `dir` (`.git` excluded, `skip` prefixes excluded): type, exec bit and
 * content hash or symlink target; plus `git ls-files -s`. Two copies with equal snapshots
 * hold the same checkout.
 */
export function snapshot(dir: string, skip: string[] = []): { files: string[]; index: string } {
  const files: string[] = [];
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const child = rel ? `${rel}/${name}` : name;
      if (child === '.git' || skip.some((s) => child === s || child.startsWith(s + '/'))) continue;
      const abs = path.join(dir, child);
      const st = fs.lstatSync(abs);
      if (st.isSymbolicLink()) files.push(`${child} -> ${fs.readlinkSync(abs)}`);
      else if (st.isDirectory()) {
        if (fs.existsSync(path.join(abs, '.git'))) files.push(`${child}/ (submodule ${git(abs, ['rev-parse', 'HEAD'])})`);
        else {
          files.push(`${child}/`);
          walk(child);
        }
      } else {
        const sha = crypto.createHash('sha1').update(fs.readFileSync(abs)).digest('hex');
        files.push(`${child} ${st.mode & 0o111 ? 'x' : '-'} ${sha}`);
      }
    }
  };
  walk('');
  return { files, index: git(dir, ['ls-files', '-s']) };
}

/** What `git checkout` of `commit` leaves, in a fresh clone of the fixture's bare repository. */
export function referenceCheckout(repo: FixtureRepo, commit: string): string {
  const dir = makeTempDir('ig-ref-');
  git(dir, ['-c', 'protocol.file.allow=always', 'clone', '-q', '--no-checkout', repo.bare, 'copy']);
  const copy = path.join(dir, 'copy');
  git(copy, ['checkout', '-q', '-f', commit]);
  return copy;
}

/** `git status --porcelain` as native git sees the copy (untracked files included). */
export function nativeStatus(dir: string): string {
  return git(dir, ['status', '--porcelain', '--ignore-submodules=none']);
}
