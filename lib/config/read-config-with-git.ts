import { IntegralGitError } from '../errors';
import { CONFIG_FILENAMES, configMissing, configText, isRegularFileMode, notARegularFile, type ConfigBranch } from './config-file-rules';

/** Runs `git cat-file --batch` in the git directory that holds the commit; returns its stdout. */
export type CatFileBatch = (input: string) => Promise<Buffer>;

/**
 * Read the repo config of one commit with the git CLI, in one `git cat-file --batch`: the
 * commit's root tree (for the entries' modes) and both candidate files in one process, so
 * the native path never loads isomorphic-git. Same rules and errors as readConfigAtCommit.
 */
export async function readConfigWithGit(opts: { commit: string; url: string; catFile: CatFileBatch }): Promise<ConfigBranch> {
  const { commit } = opts;
  const out = parseBatch(await opts.catFile([`${commit}^{tree}`, ...CONFIG_FILENAMES.map((f) => `${commit}:${f}`)].join('\n') + '\n'));
  const tree = out[0];
  if (!tree || tree.type !== 'tree') {
    throw new IntegralGitError('IG_CONFIG_INVALID', `commit ${commit.slice(0, 12)} of the integralgit branch could not be read from the local git objects`, { commit });
  }
  const modes = treeModes(tree.content, tree.oid.length / 2);
  for (const [i, filename] of CONFIG_FILENAMES.entries()) {
    const mode = modes.get(filename);
    if (mode === undefined) continue;
    const obj = out[i + 1];
    if (!isRegularFileMode(mode)) throw notARegularFile(filename, mode, commit);
    return configText(obj?.content, filename, commit);
  }
  throw configMissing(opts.url, commit);
}

interface BatchObject {
  oid: string;
  type: string;
  content: Buffer;
}

/** `git cat-file --batch` output, one entry per input line (undefined for a missing object). */
function parseBatch(buf: Buffer): Array<BatchObject | undefined> {
  const out: Array<BatchObject | undefined> = [];
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) break;
    const [oid, type, size] = buf.subarray(pos, nl).toString('utf8').split(' ');
    if (size === undefined) {
      out.push(undefined);
      pos = nl + 1;
      continue;
    }
    const len = Number(size);
    out.push({ oid, type, content: buf.subarray(nl + 1, nl + 1 + len) });
    pos = nl + 1 + len + 1;
  }
  return out;
}

/** name → mode of a raw tree object's entries (`<mode> <name>\0<binary oid>`). */
function treeModes(raw: Buffer, oidBytes: number): Map<string, string> {
  const modes = new Map<string, string>();
  let pos = 0;
  while (pos < raw.length) {
    const sp = raw.indexOf(32, pos);
    const nul = raw.indexOf(0, sp);
    if (sp < 0 || nul < 0) break;
    modes.set(raw.subarray(sp + 1, nul).toString('utf8'), raw.subarray(pos, sp).toString('ascii'));
    pos = nul + 1 + oidBytes;
  }
  return modes;
}
