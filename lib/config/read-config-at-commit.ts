import fs from 'node:fs';
import { IntegralGitError } from '../errors';
import { redactUrl } from '../remote-url';

/** The file names read on the `integralgit` branch, in order of preference. */
export const CONFIG_FILENAMES = ['config', 'config.json'] as const;

export interface ConfigBranch {
  /** sha of the `integralgit` commit the file was read from */
  commit: string;
  /** `config` or `config.json` */
  filename: string;
  text: string;
}

/**
 * Read the repo config of one commit from a (bare) git directory, in-process: the tree
 * is looked up and the blob inflated, no working copy is involved. Shared by the HTTP
 * fetcher and the native backend (which fetches into the same kind of cache).
 */
export async function readConfigAtCommit(opts: { gitdir: string; commit: string; url: string }): Promise<ConfigBranch> {
  const { gitdir, commit } = opts;
  // loaded here, not at the top: the native path (read-config-with-git.ts) shares this module's names
  const git = await import('isomorphic-git');
  const { tree } = await git.readTree({ fs, gitdir, oid: commit });
  for (const filename of CONFIG_FILENAMES) {
    const entry = tree.find((e) => e.path === filename);
    if (!entry) continue;
    if (entry.type !== 'blob' || (entry.mode !== '100644' && entry.mode !== '100755')) {
      const kind = entry.type === 'tree' ? 'a directory' : entry.mode === '120000' ? 'a symbolic link' : `a ${entry.type}`;
      throw new IntegralGitError('IG_CONFIG_INVALID', `\`${filename}\` on the integralgit branch is ${kind}; it must be a regular file holding the JSON config`, { commit, filename });
    }
    const { blob } = await git.readBlob({ fs, gitdir, oid: entry.oid });
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(blob);
    } catch {
      throw new IntegralGitError('IG_CONFIG_INVALID', `\`${filename}\` on the integralgit branch is not UTF-8 text`, { commit, filename });
    }
    return { commit, filename, text };
  }
  throw new IntegralGitError(
    'IG_CONFIG_MISSING',
    `the integralgit branch of ${redactUrl(opts.url)} (commit ${commit.slice(0, 12)}) has no file named \`config\` or \`config.json\`; add one (\`integralgit init\` writes a starter config)`,
    { commit, url: redactUrl(opts.url) },
  );
}
