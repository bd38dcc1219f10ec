import { IntegralGitError } from '../errors';
import { redactUrl } from '../remote-url';

/**
 * What makes a file on the `integralgit` branch the repo config, whoever reads the branch
 * (isomorphic-git in-process, or `git cat-file` on the native path): one home for the rules
 * and their messages, so both readers refuse the same files with the same words.
 */

/** The file names read on the `integralgit` branch, in order of preference. */
export const CONFIG_FILENAMES = ['config', 'config.json'] as const;

export interface ConfigBranch {
  /** sha of the `integralgit` commit the file was read from */
  commit: string;
  /** `config` or `config.json` */
  filename: string;
  text: string;
}

/** Only a regular file (mode 100644 or 100755) holds the config. */
export function isRegularFileMode(mode: string): boolean {
  return mode === '100644' || mode === '100755';
}

/** A config name that is a directory, link or submodule: refused, naming what it is. */
export function notARegularFile(filename: string, mode: string, commit: string): IntegralGitError {
  const kind = mode === '40000' || mode === '040000' ? 'a directory' : mode === '120000' ? 'a symbolic link' : mode === '160000' ? 'a commit' : `an entry of mode ${mode}`;
  return new IntegralGitError('IG_CONFIG_INVALID', `\`${filename}\` on the integralgit branch is ${kind}; it must be a regular file holding the JSON config`, { commit, filename });
}

/** The file's bytes as text: the config must be UTF-8. */
export function configText(bytes: Uint8Array | undefined, filename: string, commit: string): ConfigBranch {
  try {
    return { commit, filename, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    throw new IntegralGitError('IG_CONFIG_INVALID', `\`${filename}\` on the integralgit branch is not UTF-8 text`, { commit, filename });
  }
}

/** Neither name is on the branch. */
export function configMissing(url: string, commit: string): IntegralGitError {
  return new IntegralGitError(
    'IG_CONFIG_MISSING',
    `the integralgit branch of ${redactUrl(url)} (commit ${commit.slice(0, 12)}) has no file named \`config\` or \`config.json\`; add one (\`integralgit init\` writes a starter config)`,
    { commit, url: redactUrl(url) },
  );
}
