import fs from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isFullCommitId } from '../../commit-id';

/**
 * A working copy's config and refs read from its own files, where the files are the plain
 * kind git writes for a clone; undefined wherever they are not (includes, quoting, continued
 * lines, symbolic or reftable refs, a `.git` file), and the caller asks git. On a small
 * host each git process costs more than these reads (issue 16: a deployment's
 * `git config` and `git for-each-ref` were two of its seven processes).
 *
 * The repository's own `.git/config` only: a remote or upstream set in the global or system
 * config is not seen (git clone never puts them there).
 */

/** `section.subsection.key` (section and key lower-cased, as git compares them) → every value, in file order. */
export type PlainConfig = Map<string, string[]>;

export function parsePlainConfig(text: string): PlainConfig | undefined {
  if (text === '') return undefined;
  const out: PlainConfig = new Map();
  let section: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      const m = /^\[([A-Za-z0-9-]+)(?: "([^"\\]*)")?\]$/.exec(line);
      // `[remote.origin]`, escapes in a subsection, a key after the header, an include: not plain
      if (!m || /^include(if)?$/i.test(m[1])) return undefined;
      section = m[2] === undefined ? m[1].toLowerCase() : `${m[1].toLowerCase()}.${m[2]}`;
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    // quotes, escapes, inline comments, a continued line: git's own parser is needed
    if (!kv || section === undefined || (kv[2] !== undefined && /["\\;#]/.test(kv[2]))) return undefined;
    const key = `${section}.${kv[1].toLowerCase()}`;
    const values = out.get(key) ?? [];
    values.push(kv[2] ?? 'true');
    out.set(key, values);
  }
  return out;
}

/**
 * The current value of each ref under `prefix` and of the refs in `exact`, as
 * `git for-each-ref` would list them: loose ref files over `packed-refs`. Undefined when a
 * ref is symbolic or not a plain object id, or the copy does not store refs as files.
 */
export async function readRefsFromFiles(gitDir: string, config: PlainConfig, prefix: string, exact: string[]): Promise<Map<string, string> | undefined> {
  if (config.has('extensions.refstorage')) return undefined;
  const wanted = (ref: string): boolean => ref.startsWith(prefix) || exact.includes(ref);
  const refs = new Map<string, string>();
  let packed: string;
  try {
    packed = await fs.readFile(path.join(gitDir, 'packed-refs'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
    packed = '';
  }
  for (const line of packed.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('^')) continue;
    const sp = line.indexOf(' ');
    const oid = line.slice(0, sp);
    if (sp < 0 || !isFullCommitId(oid)) return undefined;
    if (wanted(line.slice(sp + 1))) refs.set(line.slice(sp + 1), oid);
  }
  const loose = [...(await looseRefs(gitDir, prefix.replace(/\/$/, ''))), ...exact];
  for (const ref of loose) {
    let text: string;
    try {
      text = await fs.readFile(path.join(gitDir, ref), 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') continue;
      return undefined;
    }
    const oid = text.trim();
    if (!isFullCommitId(oid)) return undefined;
    refs.set(ref, oid);
  }
  return refs;
}

/** Ref names of the loose files under `dir` (relative to the git dir), lock files left out. */
async function looseRefs(gitDir: string, dir: string): Promise<string[]> {
  const entries = await fs.readdir(path.join(gitDir, dir), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const ref = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...(await looseRefs(gitDir, ref)));
    else if (e.isFile() && !e.name.endsWith('.lock')) out.push(ref);
  }
  return out;
}

/**
 * A small file of the copy read synchronously, '' when it cannot be read: on a deployment's
 * path an asynchronous read is a thread-pool round trip, several ms on a loaded host.
 */
export function readFileOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
