import fs from 'node:fs';
import { IntegralGitError } from '../errors';
import type { Settings } from '../settings/types';

const CAP_SETGID = 6n;
const CAP_SETUID = 7n;

/**
 * Whether this process may start children as another user: root, or both CAP_SETUID and
 * CAP_SETGID in its effective set (`CapEff` of /proc/self/status, a hex bit mask).
 * `status` is the file's text, passed in by tests.
 */
export function canSwitchUsers(uid: number, status: string | undefined): boolean {
  if (uid === 0) return true;
  const hex = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(status ?? '')?.[1];
  if (!hex) return false;
  const eff = BigInt(`0x${hex}`);
  return ((eff >> CAP_SETUID) & 1n) === 1n && ((eff >> CAP_SETGID) & 1n) === 1n;
}

/**
 * At `serve` start: a repo with `runAs` needs a server that can switch users, or every
 * deployment of it would fail at its first git command. Said once, up front, with the fix.
 */
export function assertCanRunAs(settings: Settings, uid = process.getuid?.() ?? 0, status = readStatus()): void {
  const repos = Object.values(settings.repos).filter((r) => r.runAs);
  if (repos.length === 0 || canSwitchUsers(uid, status)) return;
  const names = repos.map((r) => `repos.${r.name}.runAs (${r.runAs!.user}:${r.runAs!.group})`).join(', ');
  throw new IntegralGitError(
    'IG_PRIVILEGES_MISSING',
    `${names} needs a server that can switch users, but it runs as uid ${uid} without CAP_SETUID and CAP_SETGID: ` +
      'run it as root (install packaging/systemd/runas.conf as a drop-in of integralgit.service) or remove runAs',
    { uid, repos: repos.map((r) => r.name) },
  );
}

function readStatus(): string | undefined {
  try {
    return fs.readFileSync('/proc/self/status', 'utf8');
  } catch {
    return undefined;
  }
}
