import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import winston from 'winston';
import { runScript, ScriptResult } from '../../lib/script/run-script';
import { buildScriptEnv } from '../../lib/script/build-script-env';
import { IntegralGitError } from '../../lib/errors';
import { ScriptDir, baseScriptEnv } from '../fixtures/scripts/script-dir';

const stdoutOf = (r: ScriptResult): string => r.output.filter((c) => c.stream === 'stdout').map((c) => c.text).join('');
const stderrOf = (r: ScriptResult): string => r.output.filter((c) => c.stream === 'stderr').map((c) => c.text).join('');

async function startError(p: Promise<unknown>): Promise<IntegralGitError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(IntegralGitError);
    return err as IntegralGitError;
  }
  throw new Error('expected runScript to reject');
}

describe('runScript: running and environment', () => {
  let wc: ScriptDir;
  beforeEach(() => {
    wc = new ScriptDir();
  });
  afterEach(() => wc.remove());

  it('runs a relative script with cwd location and records exit code 0', async () => {
    wc.write('deploy.sh', '#!/bin/sh\npwd\necho deployed\n');
    const r = await runScript({ script: './deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30 });
    expect(r).toMatchObject({ exitCode: 0, signal: null, timedOut: false, aborted: false, truncatedBytes: 0, strayProcessesKilled: false });
    expect(stdoutOf(r)).toBe(`${wc.dir}\ndeployed\n`);
    expect(typeof r.pid).toBe('number');
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('runs a script in a subdirectory given without ./', async () => {
    wc.write('bin/deploy', '#!/bin/sh\necho sub\n');
    const r = await runScript({ script: 'bin/deploy', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30 });
    expect(stdoutOf(r)).toBe('sub\n');
  });

  it('runs an absolute script outside the location, still with cwd location', async () => {
    const elsewhere = new ScriptDir();
    try {
      const file = elsewhere.write('special.sh', '#!/bin/sh\npwd\n');
      const r = await runScript({ script: file, location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30 });
      expect(stdoutOf(r)).toBe(`${wc.dir}\n`);
    } finally {
      elsewhere.remove();
    }
  });

  it('runs an ELF binary given as an absolute script', async () => {
    const r = await runScript({ script: '/bin/true', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30 });
    expect(r.exitCode).toBe(0);
  });

  it('records a non-zero exit code with the output', async () => {
    wc.write('deploy.sh', '#!/bin/sh\necho "npm ci failed" >&2\nexit 3\n');
    const r = await runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30 });
    expect(r.exitCode).toBe(3);
    expect(r.signal).toBeNull();
    expect(stderrOf(r)).toBe('npm ci failed\n');
  });

  it('records the signal when the script is killed by one', async () => {
    wc.write('deploy.sh', '#!/bin/sh\necho before\nkill -KILL $$\necho after\n');
    const r = await runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30 });
    expect(r.exitCode).toBeNull();
    expect(r.signal).toBe('SIGKILL');
    expect(r.timedOut).toBe(false);
    expect(stdoutOf(r)).toBe('before\n');
  });

  it('keeps stdout and stderr in arrival order, told apart', async () => {
    wc.write('deploy.sh', '#!/bin/sh\nfor i in 1 2 3; do echo out$i; sleep 0.2; echo err$i >&2; sleep 0.2; done\n');
    const seen: string[] = [];
    const r = await runScript({
      script: 'deploy.sh',
      location: wc.dir,
      env: baseScriptEnv(),
      timeoutSeconds: 60,
      onOutput: (c) => seen.push(`${c.stream}:${c.text}`),
    });
    expect(seen).toEqual(['stdout:out1\n', 'stderr:err1\n', 'stdout:out2\n', 'stderr:err2\n', 'stdout:out3\n', 'stderr:err3\n']);
    expect(r.output).toEqual([
      { stream: 'stdout', text: 'out1\n' },
      { stream: 'stderr', text: 'err1\n' },
      { stream: 'stdout', text: 'out2\n' },
      { stream: 'stderr', text: 'err2\n' },
      { stream: 'stdout', text: 'out3\n' },
      { stream: 'stderr', text: 'err3\n' },
    ]);
  });

  it('gives the script no stdin (it reads end of file at once)', async () => {
    wc.write('deploy.sh', '#!/bin/sh\nif read line; then echo got; else echo eof; fi\n');
    const r = await runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30 });
    expect(stdoutOf(r)).toBe('eof\n');
  });

  it('logs each output line to the logger', async () => {
    wc.write('deploy.sh', '#!/bin/sh\necho one\necho two >&2\nprintf three\n');
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(JSON.parse(chunk.toString()).message);
        cb();
      },
    });
    const logger = winston.createLogger({ level: 'info', format: winston.format.json(), transports: [new winston.transports.Stream({ stream: sink })] });
    await runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30, logger });
    expect(lines).toEqual(expect.arrayContaining(['script stdout: one', 'script stderr: two', 'script stdout: three']));
  });

  it('keeps running when the onOutput listener throws', async () => {
    wc.write('deploy.sh', '#!/bin/sh\necho a\nsleep 0.2\necho b\n');
    const r = await runScript({
      script: 'deploy.sh',
      location: wc.dir,
      env: baseScriptEnv(),
      timeoutSeconds: 30,
      onOutput: () => {
        throw new Error('database gone');
      },
    });
    expect(r.exitCode).toBe(0);
    expect(stdoutOf(r)).toBe('a\nb\n');
  });

  it('passes INTEGRALGIT_* and config env, and none of the secrets (script runs env)', async () => {
    wc.write('deploy.sh', '#!/bin/sh\nexec env\n');
    const env = buildScriptEnv({
      baseEnv: {
        PATH: process.env.PATH,
        HOME: '/var/lib/integralgit',
        MYAPP_WEBHOOK_SECRET: 'hook-secret-1',
        DEPLOY_TOKEN: 'tok-abc-123',
        REMOTE_URL: 'https://x:tok-abc-123@git.example.com/app.git',
        GIT_ASKPASS: '/run/integralgit/askpass',
        GIT_SSH_COMMAND: 'ssh -i /etc/integralgit/id',
        INTEGRALGIT_HOSTNAME: 'web9',
      },
      secretEnvNames: ['MYAPP_WEBHOOK_SECRET', 'DEPLOY_TOKEN'],
      secretValues: ['hook-secret-1', 'tok-abc-123', 'file-secret-xyz'],
      integralgit: { repo: 'myapp', branch: 'master', commit: 'a'.repeat(40), previousCommit: 'b'.repeat(40), host: 'web1' },
      configEnv: { NODE_ENV: 'production', GREETING: 'hello world' },
    });
    const r = await runScript({ script: './deploy.sh', location: wc.dir, env, timeoutSeconds: 30 });
    const printed = stdoutOf(r);
    const vars = Object.fromEntries(printed.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(vars).toMatchObject({
      INTEGRALGIT_REPO: 'myapp',
      INTEGRALGIT_BRANCH: 'master',
      INTEGRALGIT_COMMIT: 'a'.repeat(40),
      INTEGRALGIT_PREVIOUS_COMMIT: 'b'.repeat(40),
      INTEGRALGIT_HOST: 'web1',
      NODE_ENV: 'production',
      GREETING: 'hello world',
      HOME: '/var/lib/integralgit',
    });
    for (const name of ['MYAPP_WEBHOOK_SECRET', 'DEPLOY_TOKEN', 'REMOTE_URL', 'GIT_ASKPASS', 'GIT_SSH_COMMAND', 'INTEGRALGIT_HOSTNAME']) {
      expect(vars).not.toHaveProperty(name);
    }
    for (const secret of ['hook-secret-1', 'tok-abc-123', 'file-secret-xyz']) expect(printed).not.toContain(secret);
    // the runner adds nothing of its own: exactly the env given (plus what sh itself sets, and
    // NODE_V8_COVERAGE, which Node copies into every child while `npm test` measures coverage)
    const shellOwn = ['PWD', 'SHLVL', 'OLDPWD', '_', 'NODE_V8_COVERAGE'];
    expect(Object.keys(vars).filter((k) => !shellOwn.includes(k)).sort()).toEqual(Object.keys(env).sort());
  });

  it('never interpolates values: a hostile commit message or branch stays literal', async () => {
    const pwned = path.join(os.tmpdir(), `ig-pwned-${process.pid}-${Date.now()}`);
    wc.write('deploy.sh', '#!/bin/sh\nprintf "%s\\n" "$INTEGRALGIT_BRANCH" "$MSG"\n');
    const hostile = `$(touch ${pwned})`;
    const r = await runScript({
      script: 'deploy.sh',
      location: wc.dir,
      env: baseScriptEnv({ INTEGRALGIT_BRANCH: `x;touch ${pwned}`, MSG: `${hostile} \`touch ${pwned}\`` }),
      timeoutSeconds: 30,
    });
    expect(stdoutOf(r)).toBe(`x;touch ${pwned}\n${hostile} \`touch ${pwned}\`\n`);
    expect(fs.existsSync(pwned)).toBe(false);
  });

  it.each([false, true])('runs a script whose name holds shell syntax as one file name (behind its group note: %s)', async (noted) => {
    const pwned = path.join(wc.dir, 'pwned');
    wc.write('deploy; touch pwned.sh', '#!/bin/sh\necho literal\n');
    const recordDir = noted ? path.join(wc.dir, 'notes') : undefined;
    const r = await runScript({ script: 'deploy; touch pwned.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30, recordDir });
    expect(stdoutOf(r)).toBe('literal\n');
    expect(fs.existsSync(pwned)).toBe(false);
  });
});

// the server starts every script behind the note of its group (script-parent.ts): a shell
// execs it, so what exec would refuse must be refused, with the same words, before
describe.each([
  ['directly', false],
  ['behind the note of its group', true],
])('runScript: scripts that cannot start (%s)', (_how, noted) => {
  let wc: ScriptDir;
  beforeEach(() => {
    wc = new ScriptDir();
  });
  afterEach(() => wc.remove());
  const run = (script: string, location = wc.dir) =>
    runScript({ script, location, env: baseScriptEnv(), timeoutSeconds: 30, recordDir: noted ? path.join(wc.dir, 'notes') : undefined });

  it('refuses a missing script, naming the path and the config key', async () => {
    const err = await startError(run('./deploy.sh'));
    expect(err.code).toBe('IG_SCRIPT_FAILED');
    expect(err.message).toContain(path.join(wc.dir, 'deploy.sh'));
    expect(err.message).toContain('`script`');
    expect(err.message).toContain('not found');
  });

  it('refuses a directory', async () => {
    fs.mkdirSync(wc.path('deploy'));
    const err = await startError(run('deploy'));
    expect(err.code).toBe('IG_SCRIPT_FAILED');
    expect(err.message).toMatch(/is a directory/);
  });

  it('refuses a non-executable script and says how to fix the mode in git', async () => {
    wc.write('deploy.sh', '#!/bin/sh\necho hi\n', 0o644);
    const err = await startError(run('deploy.sh'));
    expect(err.code).toBe('IG_SCRIPT_FAILED');
    expect(err.message).toContain('not executable');
    expect(err.message).toContain('chmod +x');
    expect(err.message).toContain('git update-index --chmod=+x deploy.sh');
  });

  it('refuses a script without a shebang instead of running it under /bin/sh', async () => {
    wc.write('deploy.sh', 'echo ran > ran.txt\n');
    const err = await startError(run('deploy.sh'));
    expect(err.code).toBe('IG_SCRIPT_FAILED');
    expect(err.message).toMatch(/no shebang/);
    expect(fs.existsSync(wc.path('ran.txt'))).toBe(false);
  });

  it('refuses an empty script file', async () => {
    wc.write('deploy.sh', '');
    expect((await startError(run('deploy.sh'))).message).toMatch(/no shebang/);
  });

  it('names the interpreter when the shebang points to nothing', async () => {
    wc.write('deploy.sh', '#!/nonexistent/interpreter\necho hi\n');
    const err = await startError(run('deploy.sh'));
    expect(err.code).toBe('IG_SCRIPT_FAILED');
    expect(err.message).toContain('#!/nonexistent/interpreter');
    expect(err.message).toContain('does not exist on this host');
  });

  it('names the interpreter when it is not executable, with its arguments', async () => {
    wc.write('interp', 'not a program\n', 0o644);
    wc.write('deploy.sh', `#!${wc.path('interp')} -e\necho hi\n`);
    const err = await startError(run('deploy.sh'));
    expect(err.code).toBe('IG_SCRIPT_FAILED');
    expect(err.message).toContain(`\`#!${wc.path('interp')} -e\` is not executable`);
  });

  it('refuses a relative script that escapes the location, without running it', async () => {
    const err = await startError(run('../../bin/true'));
    expect(err.code).toBe('IG_CONFIG_INVALID');
    expect(err.message).toContain('outside the location');
  });

  it('refuses a location that does not exist', async () => {
    const err = await startError(run('/bin/true', path.join(wc.dir, 'missing')));
    expect(err.code).toBe('IG_SCRIPT_FAILED');
    expect(err.message).toMatch(/location .* does not exist/);
  });

  it('refuses a non-positive timeout', async () => {
    wc.write('deploy.sh', '#!/bin/sh\n');
    for (const timeoutSeconds of [0, -1, Number.NaN]) {
      const err = await startError(runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds }));
      expect(err.code).toBe('IG_CONFIG_INVALID');
    }
  });

  it('refuses an env value with a NUL byte instead of throwing a raw TypeError', async () => {
    wc.write('deploy.sh', '#!/bin/sh\n');
    const err = await startError(runScript({ script: 'deploy.sh', location: wc.dir, env: { A: 'x\0y' }, timeoutSeconds: 30 }));
    expect(err.code).toBe('IG_SCRIPT_FAILED');
  });

  it('does not start when the abort signal has already fired', async () => {
    wc.write('deploy.sh', '#!/bin/sh\necho ran > ran.txt\n');
    const ac = new AbortController();
    ac.abort();
    const r = await runScript({ script: 'deploy.sh', location: wc.dir, env: baseScriptEnv(), timeoutSeconds: 30, signal: ac.signal });
    expect(r).toMatchObject({ aborted: true, exitCode: null });
    expect(r.pid).toBeUndefined();
    expect(fs.existsSync(wc.path('ran.txt'))).toBe(false);
  });
});
