import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log/logger';
import { bootId, processStartTime } from '../process/process-identity';
import { isGroupAlive, signalGroup, waitForGroupExit } from './process-group';
import type { ScriptGroupNote } from './script-parent';

/**
 * A durable note of each running deploy script's process group, so that a server killed
 * with -9 can end, at its next start and before any retry, a script that outlived it
 * (SPEC §4.2: one deployment at a time per location). The script's parent writes the note
 * the moment the script exists (script-parent.ts says why there); it is removed when the
 * group is gone.
 */
interface ScriptRecord {
  pgid: number;
  /** the kernel start time of the group leader (the script), to tell our group from a reused pid */
  start?: string;
  boot?: string;
  script: string;
  location: string;
}

export function scriptRecordDir(dataDir: string): string {
  return path.join(dataDir, 'running-scripts');
}

/** What the script's parent needs to note the group the moment the script exists (script-parent.ts). */
export function scriptGroupNote(dir: string, script: string, location: string): ScriptGroupNote {
  return { dir, boot: bootId(), script, location };
}

export function clearScriptGroup(dir: string, pgid: number): void {
  fs.rmSync(path.join(dir, `${pgid}.json`), { force: true });
}

/**
 * At start, before recovery retries anything: every recorded group still alive is ended
 * (TERM, then KILL after `graceMs`). A group is ours when the machine has not restarted and
 * either its leader still runs with the recorded start time, or the leader is gone but the
 * group has members (the kernel never hands out a pid that still names a process group).
 */
export async function endOrphanedScripts(dir: string, logger: Logger, graceMs = 5000): Promise<number> {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return 0;
  }
  let ended = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    let record: ScriptRecord | undefined;
    try {
      record = JSON.parse(fs.readFileSync(file, 'utf8')) as ScriptRecord;
    } catch {
      record = undefined; // torn by a power cut mid-write: the machine restarted, nothing runs
    }
    if (record && isOurs(record)) {
      logger.warn(`deploy script ${record.script} in ${record.location} (process group ${record.pgid}) outlived the previous server: ending it before any retry`);
      try {
        signalGroup(record.pgid, 'SIGTERM');
        if (!(await waitForGroupExit(record.pgid, graceMs))) {
          signalGroup(record.pgid, 'SIGKILL');
          await waitForGroupExit(record.pgid, 2000);
        }
        ended++;
      } catch (err) {
        logger.warn(`could not end the process group ${record.pgid} of an earlier deploy script: ${String(err)}`);
      }
    }
    fs.rmSync(file, { force: true });
  }
  return ended;
}

function isOurs(r: ScriptRecord): boolean {
  if (typeof r.pgid !== 'number' || r.pgid <= 1) return false;
  const boot = bootId();
  if (r.boot && boot && r.boot !== boot) return false;
  if (!isGroupAlive(r.pgid)) return false;
  const leaderStart = processStartTime(r.pgid);
  if (leaderStart === undefined) return true; // leader gone, members left: still our group
  return r.start === undefined || leaderStart === r.start;
}
