import fs from 'node:fs';
import path from 'node:path';
import type { Problem } from '../errors';

/** A secret file is a token or a password; anything bigger is the wrong file. */
const MAX_SECRET_FILE_BYTES = 64 * 1024;
const EMPTY = 'an empty value is refused: it would match an empty signature, token or password';

export interface SecretSources {
  /** JSON pointer of the object holding the keys, e.g. `/repos/myapp` */
  at: string;
  /** the key names, e.g. { literal: 'secret', env: 'secretEnv', file: 'secretFile' } */
  keys: { literal: string; env: string; file?: string };
  literal?: string;
  env?: string;
  file?: string;
}

export interface SecretContext {
  baseDir: string;
  env: NodeJS.ProcessEnv;
  problems: Problem[];
  warnings: string[];
  /**
   * for commands that only read (status, deliveries, config): a secret that cannot be
   * resolved here (its variable lives in the service's environment only) is a warning
   */
  secretsOptional?: boolean;
  /** filled when secretsOptional: each secret left unresolved, with why */
  unresolved?: string[];
}

/**
 * Resolve one secret given literally, by environment variable or by file (a systemd
 * credential, a Docker secret). When several sources are given, the file wins over the
 * variable, which wins over the literal (so a committed default can be overridden on the
 * host), with a warning; the winning source must resolve to a non-empty value: there is no
 * silent fallback, and an empty secret would match an empty signature header.
 * Returns undefined when no source is given or when it failed (a problem is recorded).
 */
export function resolveSecret(src: SecretSources, ctx: SecretContext): string | undefined {
  const given = (['file', 'env', 'literal'] as const).filter((k) => src[k] !== undefined);
  if (given.length === 0) return undefined;
  const winner = given[0];
  if (given.length > 1) {
    const names = given.map((k) => src.keys[k]).reverse();
    const where = src.at ? `${src.at.slice(1).replace(/\//g, '.')}: ` : '';
    ctx.warnings.push(`${where}${names.join(', ')} are ${names.length === 2 ? 'both' : 'all'} set; using ${src.keys[winner]} (remove the others to silence this warning)`);
  }
  const problemAt = (message: string) => {
    const at = `${src.at}/${src.keys[winner]}`;
    if (ctx.secretsOptional) (ctx.unresolved ??= []).push(`${at.slice(1).replace(/\//g, '.')}: ${message}`);
    else ctx.problems.push({ path: at, message });
    return undefined;
  };
  if (winner === 'literal') {
    const v = src.literal as string;
    return v.trim() === '' ? problemAt(`is empty; ${EMPTY}`) : v;
  }
  if (winner === 'env') {
    const name = src.env as string;
    const v = ctx.env[name];
    if (v === undefined) return problemAt(`environment variable ${name} is not set; set it in the service's environment or use another source`);
    if (v.trim() === '') return problemAt(`environment variable ${name} is empty; ${EMPTY}`);
    return v;
  }
  const file = path.resolve(ctx.baseDir, src.file as string);
  const read = readSecretFile(file);
  return typeof read === 'string' ? read : problemAt(read.problem);
}

/** The file's text without its trailing newline(s), or why it cannot be used. */
export function readSecretFile(file: string): string | { problem: string } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { problem: `file ${file} does not exist` };
    return { problem: `file ${file} cannot be read (${code ?? String(err)})` };
  }
  // a FIFO or a device would block or never end
  if (!stat.isFile()) return { problem: `${file} is not a regular file` };
  if (stat.size > MAX_SECRET_FILE_BYTES) return { problem: `file ${file} is ${stat.size} bytes; a secret file holds one secret (at most ${MAX_SECRET_FILE_BYTES} bytes)` };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problem: `file ${file} cannot be read (${code ?? String(err)}); check its permissions for the user running integralgit` };
  }
  // editors and `echo` add a newline that is not part of the secret
  const value = text.replace(/[\r\n]+$/, '');
  if (value.trim() === '') return { problem: `file ${file} is empty; ${EMPTY}` };
  return value;
}
