import { runScript, ScriptResult } from '../../lib/script/run-script';
import { endSpareScriptParent, spareScriptParentPid, warmScriptParent } from '../../lib/script/script-parent';
import { ScriptDir, baseScriptEnv } from '../fixtures/scripts/script-dir';

const stdoutOf = (r: ScriptResult): string => r.output.filter((c) => c.stream === 'stdout').map((c) => c.text).join('');

async function waitForExit(pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`process ${pid} did not exit`);
}

describe('a script parent started ahead of the script (warmScriptParent)', () => {
  let wc: ScriptDir;
  beforeEach(() => {
    wc = new ScriptDir();
  });
  afterEach(() => wc.remove());

  it('runs the next script, with its own directory, environment and output', async () => {
    warmScriptParent();
    const spare = spareScriptParentPid();
    expect(spare).toEqual(expect.any(Number));
    warmScriptParent(); // one spare at a time
    expect(spareScriptParentPid()).toBe(spare);
    wc.write('deploy.sh', '#!/bin/sh\necho "$PPID $(pwd) $MARK"\necho oops >&2\nexit 3\n');
    const r = await runScript({ script: './deploy.sh', location: wc.dir, env: { ...baseScriptEnv(), MARK: 'given' }, timeoutSeconds: 30 });
    expect(r.exitCode).toBe(3);
    expect(stdoutOf(r)).toBe(`${spare} ${wc.dir} given\n`);
    expect(r.output.some((c) => c.stream === 'stderr' && c.text.includes('oops'))).toBe(true);
    // used once: the next script gets a parent of its own
    expect(spareScriptParentPid()).toBeUndefined();
    await waitForExit(spare!);
  });

  it('replaces a spare that died while waiting instead of handing it the script', async () => {
    warmScriptParent();
    const spare = spareScriptParentPid()!;
    process.kill(spare, 'SIGKILL');
    await waitForExit(spare);
    // let the exit reach the server side
    await new Promise((r) => setTimeout(r, 50));
    wc.write('deploy.sh', '#!/bin/sh\necho "$PPID"\n');
    const r = await runScript({ script: './deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30 });
    expect(r.exitCode).toBe(0);
    expect(stdoutOf(r).trim()).not.toBe(String(spare));
  });

  it('ends a spare left unused (it ignores SIGTERM, so its channel is closed)', async () => {
    warmScriptParent();
    const spare = spareScriptParentPid()!;
    // past node's start-up: its signal handlers are in place
    await new Promise((r) => setTimeout(r, 1500));
    endSpareScriptParent();
    expect(spareScriptParentPid()).toBeUndefined();
    await waitForExit(spare);
  });

  it('without a spare, a script still starts (a parent spawned on the spot)', async () => {
    expect(spareScriptParentPid()).toBeUndefined();
    wc.write('deploy.sh', '#!/bin/sh\necho ok\n');
    const r = await runScript({ script: './deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30 });
    expect(stdoutOf(r)).toBe('ok\n');
  });
});
