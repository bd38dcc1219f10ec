import type ChildProcess from 'node:child_process';
import fs from 'node:fs';
import { asString, type RawObject } from './raw-access';
import type { SecretContext } from './resolve-secret';
import type { GitBackendName, RunAs } from './types';

/** What resolving `runAs` needs of the repo being resolved (a slice of resolve-repo's context). */
type RunAsContext = SecretContext & { git: GitBackendName };

/**
 * A repo's `runAs` (SPEC §12): `{ "user": "app", "group": "app" }`, resolved to numeric
 * ids now, so that an unknown user is a settings error at start rather than a failed
 * deployment later. Lookups go through `getent` (NSS: LDAP and sssd users too), or
 * /etc/passwd and /etc/group where getent is missing. Scripts and git commands of the
 * repo need the native backend: the isomorphic one runs inside the server's own process,
 * which cannot change its user for one repo.
 */
export function resolveRunAs(raw: RawObject | undefined, at: string, ctx: RunAsContext): RunAs | undefined {
  if (!raw) return undefined;
  const where = `${at}/runAs`;
  const user = asString(raw.user);
  const group = asString(raw.group);
  // a missing or mistyped key was reported by the schema already
  if (user === undefined || group === undefined) return undefined;
  const pw = lookUp('passwd', user);
  if (!pw) {
    ctx.problems.push({ path: `${where}/user`, message: `user ${JSON.stringify(user)} does not exist on this machine (create it with useradd, or fix the name)` });
  }
  const gr = lookUp('group', group);
  if (!gr) {
    ctx.problems.push({ path: `${where}/group`, message: `group ${JSON.stringify(group)} does not exist on this machine (create it with groupadd, or fix the name)` });
  }
  if (ctx.git === 'isomorphic') {
    ctx.problems.push({
      path: where,
      message: 'needs "git": "native": the isomorphic backend writes the working copy from inside the server process, which cannot switch users',
    });
  }
  if (!pw || !gr) return undefined;
  const uid = Number(pw[2]);
  const gid = Number(gr[2]);
  if (uid === 0) ctx.warnings.push(`${where.slice(1).replace(/\//g, '.')}: user ${user} is root, so the scripts of this repo run as root`);
  return { user, group, uid, gid, home: pw[5] || '/' };
}

/** The entry's fields (name:x:id:…), or undefined when there is no such name. */
function lookUp(db: 'passwd' | 'group', name: string): string[] | undefined {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/.test(name)) return undefined;
  try {
    // child_process (and net, which it loads) only for a repo with runAs: ~7 ms of every command's start-up otherwise
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { execFileSync } = require('node:child_process') as typeof ChildProcess;
    const out = execFileSync('getent', [db, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return fields(out.split('\n')[0]);
  } catch (err) {
    // exit 2: no such entry; ENOENT: no getent, read the files
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  }
  const text = fs.readFileSync(`/etc/${db}`, 'utf8');
  return text.split('\n').map(fields).find((f) => f?.[0] === name);
}

function fields(line: string | undefined): string[] | undefined {
  const f = line?.split(':');
  return f && f.length >= 3 && /^\d+$/.test(f[2]) ? f : undefined;
}
