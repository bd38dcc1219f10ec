import { IntegralGitError } from '../errors';

/**
 * `branch` and `remote` come from the repo config (anyone with push rights) and end up as
 * git arguments and ref names: only plain names pass, never something git could read as an
 * option or a ref expression. The rules are git's check-ref-format ones, a little stricter.
 */
export function assertBranchName(branch: string): void {
  const bad =
    branch === '' ||
    branch.startsWith('-') ||
    branch.startsWith('/') ||
    branch.endsWith('/') ||
    branch.endsWith('.') ||
    branch.endsWith('.lock') ||
    branch.includes('..') ||
    branch.includes('//') ||
    branch.includes('@{') ||
    branch === '@' ||
    branch.split('/').some((c) => c.startsWith('.')) ||
    [...branch].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f || '~^:?*[\\'.includes(c));
  if (bad) {
    throw new IntegralGitError('IG_CONFIG_INVALID', `\`branch\` ${JSON.stringify(branch)} is not a valid git branch name: fix \`branch\` in the repo config`, {
      key: 'branch',
      value: branch,
    });
  }
}

export function assertRemoteName(remote: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(remote) || remote.endsWith('.lock')) {
    throw new IntegralGitError(
      'IG_CONFIG_INVALID',
      `\`remote\` ${JSON.stringify(remote)} is not a valid remote name (letters, digits, '.', '_', '-'): fix \`remote\` in the repo config`,
      { key: 'remote', value: remote },
    );
  }
}

/** A commit to deploy (rollback): a full or abbreviated hexadecimal sha, nothing else. */
export function assertCommitId(commit: string): void {
  if (!/^[0-9a-f]{4,40}$/i.test(commit)) {
    throw new IntegralGitError('IG_USAGE', `${JSON.stringify(commit)} is not a commit id: give a commit sha (4 to 40 hexadecimal digits)`, { commit });
  }
}
