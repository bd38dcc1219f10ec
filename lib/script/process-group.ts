import fs from 'node:fs';

/**
 * Process-group helpers. The script is spawned detached, so it leads a group of its
 * own (pgid = its pid) that every descendant joins unless it calls setsid/setpgid.
 */

/** Sends `signal` to every member of the group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/**
 * Whether a live (non-zombie) process remains in the group. kill(-pgid, 0) alone is not
 * enough: where PID 1 does not reap orphans (some containers), killed descendants stay
 * zombies forever and would look alive. On Linux /proc tells zombies apart.
 */
export function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    // EPERM: members exist but belong to another user (e.g. after sudo): alive.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  const members = liveGroupMembers(pgid);
  return members === undefined ? true : members.length > 0;
}

/** Non-zombie pids in the group, or undefined where /proc cannot tell. */
export function liveGroupMembers(pgid: number): number[] | undefined {
  if (process.platform !== 'linux') return undefined;
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return undefined;
  }
  const live: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(name);
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') live.push(Number(name));
  }
  return live;
}

function readStat(pid: string): { state: string; pgrp: number } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited meanwhile
  }
  // "pid (comm) state ppid pgrp …" where comm may itself hold spaces and parentheses
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], pgrp: Number(fields[2]) };
}

/** Resolves true once the group has no live member, false when `ms` pass first. */
export async function waitForGroupExit(pgid: number, ms: number, pollMs = 50): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!isGroupAlive(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(1, deadline - Date.now()))));
  }
}
