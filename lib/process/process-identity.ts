import fs from 'node:fs';

/**
 * Who a process is, beyond its pid. A pid alone repeats: in a container (or any PID
 * namespace) the server is pid 1 on every start, and pids wrap on busy hosts. The
 * kernel's start time of the process (clock ticks since boot) plus the boot id name one
 * process for the life of the machine, so a record left by a process killed with -9 is
 * told apart from the process that now carries its pid, including ourselves.
 */
export interface ProcessIdentity {
  pid: number;
  /** field 22 of /proc/<pid>/stat; undefined where /proc cannot tell (not Linux) */
  start?: string;
  /** /proc/sys/kernel/random/boot_id; undefined where /proc cannot tell */
  boot?: string;
}

let cachedBoot: string | undefined | null = null;

export function bootId(): string | undefined {
  if (cachedBoot === null) {
    try {
      cachedBoot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
    } catch {
      cachedBoot = undefined;
    }
  }
  return cachedBoot;
}

/** The kernel's start time of `pid`, or undefined when it does not exist (or /proc is absent). */
export function processStartTime(pid: number): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state …": comm may hold spaces and parentheses, so count from the last ')'
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

export function currentProcessIdentity(): ProcessIdentity {
  return { pid: process.pid, start: processStartTime(process.pid), boot: bootId() };
}

export function identityOf(pid: number): ProcessIdentity {
  return { pid, start: processStartTime(pid), boot: bootId() };
}

/**
 * Whether the process a record names still runs on this machine: false once the machine
 * restarted (another boot id) or the pid now belongs to a process started at another time.
 * Where /proc is missing only the pid can be checked.
 */
export function isSameProcessAlive(recorded: ProcessIdentity): boolean {
  const boot = bootId();
  if (recorded.boot && boot && recorded.boot !== boot) return false; // the machine restarted since
  if (!pidExists(recorded.pid)) return false;
  if (recorded.start === undefined) return true; // recorded where /proc could not tell: trust the pid
  const start = processStartTime(recorded.pid);
  return start === undefined ? true : start === recorded.start;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
