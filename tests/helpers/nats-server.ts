import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './serve-process';
import { makeTempDir } from './git-fixture';

/**
 * A real `nats-server -js` (Debian's 2.9) on 127.0.0.1, its JetStream store in a temp dir.
 * `stop()` then `start()` brings it back on the same port with the same store: the bus
 * going away and coming back, as in production.
 */
export class NatsServer {
  private child: ChildProcess | undefined;
  private output = '';
  readonly storeDir = makeTempDir('ig-nats-');

  private constructor(readonly port: number) {}

  static async start(): Promise<NatsServer> {
    const s = new NatsServer(await freePort());
    await s.start();
    return s;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.output = '';
    const child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const collect = (b: Buffer): void => {
      this.output += b.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const deadline = Date.now() + 10_000;
    while (!this.output.includes('Server is ready')) {
      if (child.exitCode !== null) throw new Error(`nats-server exited (${child.exitCode}): ${this.output}`);
      if (Date.now() > deadline) throw new Error(`nats-server did not start: ${this.output}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** kill -9: the bus disappears without a goodbye. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async close(): Promise<void> {
    await this.kill();
    fs.rmSync(path.resolve(this.storeDir), { recursive: true, force: true });
  }
}
