import { runScript, ScriptResult } from '../../lib/script/run-script';
import { ScriptDir, baseScriptEnv, isProcessAlive, liveProcessesInGroup } from '../fixtures/scripts/script-dir';

/**
 * Timeouts, aborts and processes left behind. Durations are asserted only as generous
 * upper bounds (the run must END), never as tight timings: the machine is shared.
 */
describe('runScript: process group handling', () => {
  let wc: ScriptDir;
  const escaped: number[] = [];
  beforeEach(() => {
    wc = new ScriptDir();
  });
  afterEach(() => {
    for (const pid of escaped.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    wc.remove();
  });

  const stdoutOf = (r: ScriptResult): string => r.output.filter((c) => c.stream === 'stdout').map((c) => c.text).join('');
  const pidFrom = (name: string): number => Number(wc.read(name).trim());

  it('at the timeout kills the script and its grandchildren (background and foreground sleep 300)', async () => {
    wc.write('deploy.sh', '#!/bin/sh\necho $$ > main.pid\nsleep 300 &\necho $! > bg.pid\necho started\nsleep 300\necho never\n');
    let runningMembers: string[] = [];
    const t0 = Date.now();
    const r = await runScript({
      script: 'deploy.sh',
      location: wc.dir,
      env: baseScriptEnv(),
      timeoutSeconds: 1,
      killGraceMs: 1000,
      // proves the survivor check below sees members while they run
      onOutput: () => (runningMembers = liveProcessesInGroup(pidFrom('main.pid'))),
    });
    expect(runningMembers.length).toBeGreaterThanOrEqual(2);
    expect(Date.now() - t0).toBeLessThan(20000);
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(r.signal).toBe('SIGTERM');
    expect(stdoutOf(r)).toBe('started\n');
    expect(liveProcessesInGroup(r.pid as number)).toEqual([]);
    expect(isProcessAlive(pidFrom('bg.pid'))).toBe(false);
  });

  it('sends SIGKILL after the grace when the group ignores SIGTERM', async () => {
    // `trap '' TERM` is inherited: the background sleep ignores SIGTERM too
    wc.write('deploy.sh', "#!/bin/sh\ntrap '' TERM\nsleep 300 &\necho $! > bg.pid\nsleep 300\n");
    const t0 = Date.now();
    const r = await runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 1, killGraceMs: 500 });
    expect(Date.now() - t0).toBeLessThan(20000);
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    expect(liveProcessesInGroup(r.pid as number)).toEqual([]);
    expect(isProcessAlive(pidFrom('bg.pid'))).toBe(false);
  });

  it('kills what a script left running in its group after a normal exit (it held stdout open)', async () => {
    wc.write('deploy.sh', '#!/bin/sh\nsleep 300 &\necho $! > bg.pid\necho done\n');
    const t0 = Date.now();
    const r = await runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 120, killGraceMs: 1000 });
    expect(Date.now() - t0).toBeLessThan(20000);
    expect(r).toMatchObject({ exitCode: 0, signal: null, timedOut: false, strayProcessesKilled: true });
    expect(stdoutOf(r)).toBe('done\n');
    expect(liveProcessesInGroup(r.pid as number)).toEqual([]);
    expect(isProcessAlive(pidFrom('bg.pid'))).toBe(false);
  });

  // the pid file appears only once setsid() has run: the script never exits while the
  // child is still in its group (that raced under load)
  it('ends even while a process outside the group (setsid) holds stdout open', async () => {
    wc.write('deploy.sh', '#!/bin/sh\nsetsid sh -c \'echo $$ > escaped.pid.tmp && mv escaped.pid.tmp escaped.pid && exec sleep 300\' &\nwhile [ ! -s escaped.pid ]; do sleep 0.02; done\necho done\n');
    const t0 = Date.now();
    const r = await runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 120, killGraceMs: 1000 });
    const escapedPid = pidFrom('escaped.pid');
    escaped.push(escapedPid);
    expect(Date.now() - t0).toBeLessThan(20000);
    expect(r).toMatchObject({ exitCode: 0, timedOut: false, strayProcessesKilled: false });
    expect(stdoutOf(r)).toBe('done\n');
    // setsid is how a script starts something on purpose: it is left alone
    expect(isProcessAlive(escapedPid)).toBe(true);
  });

  it('ends at the timeout even while a setsid process holds stdout open', async () => {
    wc.write('deploy.sh', '#!/bin/sh\nsetsid sh -c \'echo $$ > escaped.pid.tmp && mv escaped.pid.tmp escaped.pid && exec sleep 300\' &\nwhile [ ! -s escaped.pid ]; do sleep 0.02; done\nsleep 300\n');
    const t0 = Date.now();
    const r = await runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 1, killGraceMs: 500 });
    escaped.push(pidFrom('escaped.pid'));
    expect(Date.now() - t0).toBeLessThan(20000);
    expect(r.timedOut).toBe(true);
    expect(liveProcessesInGroup(r.pid as number)).toEqual([]);
  });

  it('terminates the group when aborted (server shutdown)', async () => {
    wc.write('deploy.sh', '#!/bin/sh\nsleep 300 &\necho $! > bg.pid\necho started\nsleep 300\n');
    const ac = new AbortController();
    const r = await runScript({
      script: 'deploy.sh',
      location: wc.dir,
      env: baseScriptEnv(),
      timeoutSeconds: 600,
      killGraceMs: 1000,
      signal: ac.signal,
      onOutput: (c) => {
        if (c.text.includes('started')) ac.abort();
      },
    });
    expect(r).toMatchObject({ aborted: true, timedOut: false, exitCode: null, signal: 'SIGTERM' });
    expect(liveProcessesInGroup(r.pid as number)).toEqual([]);
    expect(isProcessAlive(pidFrom('bg.pid'))).toBe(false);
  });

  it('leaves no process behind after an ordinary run and reports none killed', async () => {
    wc.write('deploy.sh', '#!/bin/sh\necho ok\n');
    const r = await runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30 });
    expect(r.strayProcessesKilled).toBe(false);
    expect(liveProcessesInGroup(r.pid as number)).toEqual([]);
  });
});
