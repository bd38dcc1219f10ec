import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { withWorkingCopyLock, withFileLock, holdFileLock, workingCopyLockFile } from '../../lib/locks/file-lock';
import { makeTempDir } from '../helpers/git-fixture';
import { currentProcessIdentity } from '../../lib/process/process-identity';

describe('one lock per working copy, across processes', () => {
  const dataDir = makeTempDir('ig-lock-');
  const www = makeTempDir('ig-lock-www-');
  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(www, { recursive: true, force: true });
  });

  it('serialises holders in one process', async () => {
    const order: string[] = [];
    const hold = (name: string) =>
      withWorkingCopyLock(dataDir, path.join(www, 'a'), { waitMs: 10_000 }, async () => {
        order.push(`${name}+`);
        await new Promise((r) => setTimeout(r, 100));
        order.push(`${name}-`);
      });
    await Promise.all([hold('a'), hold('b')]);
    expect(order).toEqual(['a+', 'a-', 'b+', 'b-']);
  });

  it('fails clearly when the holder does not finish within the wait', async () => {
    let release!: () => void;
    const held = withWorkingCopyLock(dataDir, path.join(www, 'b'), { waitMs: 10_000 }, () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 50));
    const waits: string[] = [];
    await expect(withWorkingCopyLock(dataDir, path.join(www, 'b'), { waitMs: 300, onWait: (h) => waits.push(h) }, async () => 1)).rejects.toMatchObject({
      code: 'IG_LOCKED',
    });
    expect(waits[0]).toContain(`pid ${process.pid}`);
    release();
    await held;
  });

  it('belongs to the location: two data dirs, one location, serialise', async () => {
    const otherDataDir = makeTempDir('ig-lock-other-');
    try {
      const order: string[] = [];
      const hold = (dir: string, name: string) =>
        withWorkingCopyLock(dir, path.join(www, 'shared'), { waitMs: 10_000 }, async () => {
          order.push(`${name}+`);
          await new Promise((r) => setTimeout(r, 100));
          order.push(`${name}-`);
        });
      await Promise.all([hold(dataDir, 'a'), hold(otherDataDir, 'b')]);
      expect(order).toEqual(['a+', 'a-', 'b+', 'b-']);
      expect(workingCopyLockFile(dataDir, path.join(www, 'shared'))).toBe(path.join(fs.realpathSync(www), '.shared.integralgit-lock'));
      expect(fs.readdirSync(www)).not.toContain('.shared.integralgit-lock'); // released
    } finally {
      fs.rmSync(otherDataDir, { recursive: true, force: true });
    }
  });

  it('takes over at once a lock whose owner was killed', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const pid = child.pid!;
    fs.writeFileSync(workingCopyLockFile(dataDir, path.join(www, 'c')), JSON.stringify({ pid, host: os.hostname(), what: 'c' }));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await expect(withWorkingCopyLock(dataDir, path.join(www, 'c'), { waitMs: 1_000 }, async () => 'got it')).resolves.toBe('got it');
  });

  it('treats an empty lock file (a power cut mid-write) as stale after a minute', async () => {
    const file = path.join(dataDir, 'empty.lock');
    fs.writeFileSync(file, '');
    await expect(withFileLock(file, { waitMs: 300, what: 'x' }, async () => 1)).rejects.toMatchObject({ code: 'IG_LOCKED' });
    const old = new Date(Date.now() - 5 * 60_000);
    fs.utimesSync(file, old, old);
    await expect(withFileLock(file, { waitMs: 300, what: 'x' }, async () => 'taken')).resolves.toBe('taken');
  });

  it('keeps a live local lock even when its mtime is old (a clock jump)', async () => {
    const file = path.join(dataDir, 'live.lock');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      fs.writeFileSync(file, JSON.stringify({ pid: child.pid, host: os.hostname(), what: 'x' }));
      const old = new Date(Date.now() - 5 * 60_000);
      fs.utimesSync(file, old, old);
      await expect(withFileLock(file, { waitMs: 300, what: 'x' }, async () => 1)).rejects.toMatchObject({ code: 'IG_LOCKED' });
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('holdFileLock refuses a second holder and releases on demand', () => {
    const file = path.join(dataDir, 'server.lock');
    const release = holdFileLock(file, 'another server uses this data dir');
    expect(() => holdFileLock(file, 'another server uses this data dir')).toThrow(/another server uses this data dir/);
    release();
    holdFileLock(file, 'x')();
  });

  it('serialises two locations that meet through a symlink', async () => {
    const real = path.join(dataDir, 'real-www');
    fs.mkdirSync(real);
    fs.symlinkSync(real, path.join(dataDir, 'link-www'));
    const order: string[] = [];
    const hold = (loc: string, name: string) =>
      withWorkingCopyLock(dataDir, loc, { waitMs: 10_000 }, async () => {
        order.push(`${name}+`);
        await new Promise((r) => setTimeout(r, 100));
        order.push(`${name}-`);
      });
    await Promise.all([hold(path.join(real, 'app'), 'a'), hold(path.join(dataDir, 'link-www', 'app'), 'b')]);
    expect(order).toEqual(['a+', 'a-', 'b+', 'b-']);
  });
});

describe('a lock left by an earlier process with our pid (a container restarted after kill -9)', () => {
  const dir = makeTempDir('ig-lock-pid-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is taken over at once by holdFileLock and withFileLock, a lock of this very process is not', async () => {
    const file = path.join(dir, 'serve.lock');
    // same pid, same host, same boot, another start time: the process that wrote it is gone
    const ghost = { ...currentProcessIdentity(), start: '1', host: os.hostname(), token: 'ghost' };
    fs.writeFileSync(file, JSON.stringify(ghost));
    const release = holdFileLock(file, 'another server uses this data dir');
    expect(() => holdFileLock(file, 'another server uses this data dir')).toThrow(/another server uses this data dir/);
    release();
    fs.writeFileSync(file, JSON.stringify(ghost));
    await expect(withFileLock(file, { waitMs: 300, what: 'x' }, async () => 'taken')).resolves.toBe('taken');
  });
});
