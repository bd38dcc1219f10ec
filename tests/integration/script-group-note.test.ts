import fs from 'node:fs';
import path from 'node:path';
import { runScript } from '../../lib/script/run-script';
import { processStartTime } from '../../lib/process/process-identity';
import { ScriptDir, baseScriptEnv } from '../fixtures/scripts/script-dir';

/** Holds the event loop as a loaded server does between two callbacks. */
function blockEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The note of a running script's process group (script-records.ts) is what lets a server
 * killed with -9, together with its process group, end the script at its next start before
 * the retry. It must exist as soon as the script does: a note written by the server on the
 * parent's word that the script started left a window (found by the black-box suite: the
 * retry ran alongside a script started just before the kill).
 */
describe('the note of a running script group', () => {
  let wc: ScriptDir;
  let recordDir: string;
  beforeEach(() => {
    wc = new ScriptDir();
    recordDir = path.join(wc.dir, 'data', 'running-scripts');
  });
  afterEach(() => wc.remove());

  it('is on disk before the script runs its first line, without the server event loop turning', async () => {
    wc.write('deploy.sh', `#!/bin/sh\nif [ -f "${recordDir}/$$.json" ]; then echo noted > seen; else echo missing > seen; fi\ncp "${recordDir}/$$.json" note.json\n`);
    const run = runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30, recordDir });
    blockEventLoop(1500); // the server is busy (or already dead) while the script starts
    const r = await run;
    expect(r.exitCode).toBe(0);
    expect(wc.read('seen').trim()).toBe('noted');
    const note = JSON.parse(wc.read('note.json')) as { pgid: number; start?: string; script: string; location: string };
    expect(note).toMatchObject({ pgid: r.pid, script: 'deploy.sh', location: wc.dir });
    expect(note.start).toBeDefined();
    // removed once the group is gone
    expect(fs.readdirSync(recordDir)).toEqual([]);
  });

  it('is on disk before the first line of every script, however soon that line runs', async () => {
    // found by the black-box suite after the note moved to the parent: written right after
    // the exec, the note came after the first line in 29 runs of 30 here
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      wc.write('deploy.sh', `#!/bin/sh\nif [ -f "${recordDir}/$$.json" ]; then echo noted; else echo missing; fi\n`);
      const r = await runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30, recordDir });
      seen.push(r.output.map((c) => c.text).join('').trim());
    }
    expect(seen).toEqual(Array(20).fill('noted'));
  });

  it('records the start time of the script, so a reused pid is not taken for it', async () => {
    wc.write('deploy.sh', `#!/bin/sh\ncp "${recordDir}/$$.json" note.json\necho "$(cut -d' ' -f22 /proc/$$/stat)" > start\n`);
    const r = await runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30, recordDir });
    expect(r.exitCode).toBe(0);
    const note = JSON.parse(wc.read('note.json')) as { start?: string };
    expect(note.start).toBe(wc.read('start').trim());
    expect(processStartTime(r.pid as number)).toBeUndefined(); // gone now
  });

  it('that cannot be written stops the script before it does anything, with the cause named', async () => {
    fs.writeFileSync(path.join(wc.dir, 'data'), 'a file where the data dir should be');
    wc.write('deploy.sh', '#!/bin/sh\nsleep 0.3\ntouch ran\n');
    await expect(runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30, recordDir })).rejects.toMatchObject({
      code: 'IG_SCRIPT_FAILED',
      message: expect.stringContaining(`could not be noted in ${recordDir}`),
    });
    await new Promise((r) => setTimeout(r, 800));
    expect(fs.existsSync(path.join(wc.dir, 'ran'))).toBe(false);
  });
});

/**
 * A script that ends while the server is busy: its parent's messages (started, exit) and
 * the parent's own exit are all waiting when the event loop turns again, in no fixed
 * order. Found under load: the parent's exit was taken first and a script that ran and
 * exited 0 was reported as "the script's parent process ended before the script started".
 */
describe('a script that ends while the server is busy', () => {
  let wc: ScriptDir;
  beforeEach(() => (wc = new ScriptDir()));
  afterEach(() => wc.remove());

  it.each([0, 3])('is reported as started, with its own exit code (%i)', async (code) => {
    for (let i = 0; i < 5; i++) {
      wc.write('deploy.sh', `#!/bin/sh\necho ran\nexit ${code}\n`);
      const run = runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30 });
      blockEventLoop(700);
      const r = await run;
      expect(r.exitCode).toBe(code);
      expect(r.output.map((c) => c.text).join('')).toBe('ran\n');
    }
  });
});
