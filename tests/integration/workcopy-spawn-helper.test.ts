import os from 'node:os';
import { enableSpawnHelper, runProcess, spawnDirect } from '../../lib/workcopy/native/spawn-helper';
import { GitCommandError, runGit } from '../../lib/workcopy/native/run-git';
import { IntegralGitError } from '../../lib/errors';

/**
 * Commands are started by a helper process once it is up (spawning from a large server
 * blocks it for milliseconds per process); what a caller gets back must not depend on
 * which one started the command.
 */
const env = { PATH: process.env.PATH, HOME: os.tmpdir() };
const req = { cwd: os.tmpdir(), env };

/** The pid of the process that started `sh` (its parent): tells the helper from this process. */
async function parentOf(): Promise<number> {
  const r = await runProcess('sh', ['-c', 'echo $PPID'], req);
  return Number(r.stdout.toString().trim());
}

async function helperUp(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await parentOf()) !== process.pid) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the helper never came up');
}

describe('before enableSpawnHelper (a CLI command)', () => {
  it('spawns every command itself and starts no helper', async () => {
    expect(await parentOf()).toBe(process.pid);
    // time enough for a helper started by the first command to come up
    await new Promise((r) => setTimeout(r, 500));
    expect(await parentOf()).toBe(process.pid);
  });
});

describe('spawn helper', () => {
  beforeAll(async () => {
    enableSpawnHelper();
    await helperUp();
  });

  it('runs commands in another process once it is up', async () => {
    expect(await parentOf()).not.toBe(process.pid);
    expect((await spawnDirect('sh', ['-c', 'echo $PPID'], req)).stdout.toString().trim()).toBe(String(process.pid));
  });

  it('passes argv without a shell, the cwd, the env (only it) and stdin, and returns stdout whole and exit codes', async () => {
    const script = 'process.stdout.write(JSON.stringify({ argv: process.argv.slice(1), cwd: process.cwd(), x: process.env.X_ONLY, other: process.env.HOME_NOT_SET }));' + 'process.stdin.pipe(process.stderr); process.exitCode = 3;';
    const r = await runProcess(process.execPath, ['-e', script, '$(touch /tmp/nope)', 'a b'], { cwd: '/', env: { ...env, X_ONLY: 'yes' }, input: 'from stdin' });
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout.toString())).toEqual({ argv: ['$(touch /tmp/nope)', 'a b'], cwd: '/', x: 'yes' });
    expect(r.stderr).toBe('from stdin');
    const big = await runProcess(process.execPath, ['-e', 'process.stdout.write(Buffer.alloc(5 * 1024 * 1024, 97))'], req);
    expect(big.stdout.length).toBe(5 * 1024 * 1024);
    expect(big.stdout.every((b) => b === 97)).toBe(true);
  });

  it('many commands at once each get their own answer', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => runProcess('sh', ['-c', `sleep 0.0${i % 5}; echo ${i}`], req)));
    expect(results.map((r) => r.stdout.toString().trim())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
  });

  it('kills a command past its timeout', async () => {
    const started = Date.now();
    const r = await runProcess('sleep', ['30'], { ...req, timeoutMs: 200 });
    expect(r.timedOut).toBe(true);
    expect(r.code).toBeNull();
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reports a command that cannot be started, and git errors as before', async () => {
    const r = await runProcess('integralgit-no-such-command', [], req);
    expect(r.spawnError?.code).toBe('ENOENT');
    const err = await runGit(['rev-parse', '--verify', 'no-such-ref'], { cwd: os.tmpdir(), env: { ...env, GIT_CEILING_DIRECTORIES: os.tmpdir() } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitCommandError);
    expect((err as GitCommandError).code).toBe(128);
    const missing = await runGit(['--version'], { cwd: os.tmpdir(), env: { PATH: '/nonexistent' } }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(IntegralGitError);
    expect((missing as IntegralGitError).code).toBe('IG_SETTINGS_INVALID');
  });
});
