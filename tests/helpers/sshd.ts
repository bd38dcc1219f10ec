import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import { makeTempDir } from './git-fixture';

/**
 * A throw-away OpenSSH server on 127.0.0.1 for SSH deploy-key tests: generated host and
 * user keys in a temp dir, public-key login for the current user only, nothing read from
 * /etc/ssh. `.ci/run` installs openssh-server; where `/usr/sbin/sshd` is missing the tests
 * skip with that reason (see `SSHD_MISSING`).
 */
export const SSHD = '/usr/sbin/sshd';
export const SSHD_MISSING: string | null = fs.existsSync(SSHD) ? null : `${SSHD} is not installed (apt-get install openssh-server)`;

export interface TestSshd {
  port: number;
  user: string;
  /** private key that may log in */
  userKey: string;
  /** a known_hosts file holding the server's real host key */
  knownHosts: string;
  /** a known_hosts file holding some other key for the same host:port */
  wrongKnownHosts: string;
  /** `ssh://user@127.0.0.1:port<absPath>` */
  url(absPath: string): string;
  stop(): Promise<void>;
}

function keygen(file: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'integralgit-test', '-f', file], { stdio: 'ignore' });
  return fs.readFileSync(`${file}.pub`, 'utf8').trim();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => (c.destroy(), resolve(true)));
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not listen on ${port}: ${stderr()}`);
}

export async function startSshd(): Promise<TestSshd> {
  if (SSHD_MISSING) throw new Error(SSHD_MISSING);
  const dir = makeTempDir('ig-sshd-');
  const user = os.userInfo().username;
  const hostPub = keygen(path.join(dir, 'host_key'));
  const otherPub = keygen(path.join(dir, 'other_host_key'));
  const userPub = keygen(path.join(dir, 'user_key'));
  fs.writeFileSync(path.join(dir, 'authorized_keys'), userPub + '\n', { mode: 0o600 });
  const port = await freePort();
  const hostField = `[127.0.0.1]:${port}`;
  const strip = (pub: string): string => pub.split(' ').slice(0, 2).join(' ');
  fs.writeFileSync(path.join(dir, 'known_hosts'), `${hostField} ${strip(hostPub)}\n`);
  fs.writeFileSync(path.join(dir, 'wrong_known_hosts'), `${hostField} ${strip(otherPub)}\n`);
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${path.join(dir, 'host_key')}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    'AuthenticationMethods publickey',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    `AllowUsers ${user}`,
    user === 'root' ? 'PermitRootLogin prohibit-password' : 'PermitRootLogin no',
    'LogLevel ERROR',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'sshd_config'), config + '\n');
  // sshd started as root insists on its privilege separation directory
  if (process.getuid?.() === 0) fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  let err = '';
  const child = spawn(SSHD, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  await waitForPort(port, child, () => err);
  return {
    port,
    user,
    userKey: path.join(dir, 'user_key'),
    knownHosts: path.join(dir, 'known_hosts'),
    wrongKnownHosts: path.join(dir, 'wrong_known_hosts'),
    url: (absPath) => `ssh://${user}@127.0.0.1:${port}${absPath}`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
