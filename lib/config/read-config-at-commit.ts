import fs from 'node:fs';
import { CONFIG_FILENAMES, configMissing, configText, isRegularFileMode, notARegularFile, type ConfigBranch } from './config-file-rules';

export { CONFIG_FILENAMES, type ConfigBranch } from './config-file-rules';

/**
 * Read the repo config of one commit from a (bare) git directory, in-process: the tree
 * is looked up and the blob inflated, no working copy is involved. Shared by the HTTP
 * fetcher and the native backend (which fetches into the same kind of cache).
 */
export async function readConfigAtCommit(opts: { gitdir: string; commit: string; url: string }): Promise<ConfigBranch> {
  const { gitdir, commit } = opts;
  // loaded here, not at the top: importing this module for its types must not load isomorphic-git
  const git = await import('isomorphic-git');
  const { tree } = await git.readTree({ fs, gitdir, oid: commit });
  for (const filename of CONFIG_FILENAMES) {
    const entry = tree.find((e) => e.path === filename);
    if (!entry) continue;
    if (entry.type !== 'blob' || !isRegularFileMode(entry.mode)) throw notARegularFile(filename, entry.type === 'tree' ? '40000' : entry.mode, commit);
    const { blob } = await git.readBlob({ fs, gitdir, oid: entry.oid });
    return configText(blob, filename, commit);
  }
  throw configMissing(opts.url, commit);
}
