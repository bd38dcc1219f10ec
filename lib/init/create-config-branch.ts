import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { IntegralGitError } from '../errors';
import { starterConfig } from './starter-config';

const run = promisify(execFile);

export interface InitResult {
  repoDir: string;
  commit: string;
  branch: 'integralgit';
}

/**
 * Create the orphan `integralgit` branch with a starter `config` in one commit, using git
 * plumbing only (hash-object, mktree, commit-tree, update-ref): the user's current branch,
 * index and working files are never touched, so `init` is safe in a repo with work in progress.
 */
export async function createConfigBranch(dir: string, hostname: string): Promise<InitResult> {
  const target = path.resolve(dir);
  if (!fs.existsSync(target)) {
    throw new IntegralGitError('IG_USAGE', `directory ${target} does not exist`);
  }
  const git = async (args: string[], input?: string): Promise<string> => {
    const child = run('git', args, { cwd: target, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    const { stdout } = await child;
    return stdout.trim();
  };
  let repoDir: string;
  try {
    repoDir = await git(['rev-parse', '--show-toplevel']);
  } catch {
    throw new IntegralGitError('IG_USAGE', `${target} is not inside a git repository; run \`git init\` there first or pass the repository's directory`);
  }
  const exists = await git(['rev-parse', '--verify', '-q', 'refs/heads/integralgit']).then(
    () => true,
    () => false,
  );
  if (exists) {
    throw new IntegralGitError('IG_USAGE', `branch \`integralgit\` already exists in ${repoDir}; edit its \`config\` instead (git worktree add ../cfg integralgit)`);
  }
  const blob = await git(['hash-object', '-w', '--stdin'], starterConfig(hostname));
  const tree = await git(['mktree'], `100644 blob ${blob}\tconfig\n`);
  let commit: string;
  try {
    commit = await git(['commit-tree', tree, '-m', 'IntegralGit: starter deployment config']);
  } catch (err) {
    throw new IntegralGitError('IG_USAGE', `git could not create the commit (${firstLine(err)}); set user.name and user.email with git config`);
  }
  // update-ref with an all-zero old value refuses to clobber a branch created meanwhile
  await git(['update-ref', 'refs/heads/integralgit', commit, '0000000000000000000000000000000000000000']);
  return { repoDir, commit, branch: 'integralgit' };
}

function firstLine(err: unknown): string {
  const msg = err && typeof err === 'object' && 'stderr' in err ? String((err).stderr) : String(err);
  return msg.trim().split('\n')[0] ?? '';
}
