import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';

const BIN = path.resolve(__dirname, '../../bin/integralgit.js');

/** A port free right now (the kernel's pick), for settings files that must name one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Write `<dir>/settings.json` for a serve process: `listen` on a free 127.0.0.1 port and
 * `dataDir` `<dir>/data` are filled in, anything in `settings` wins. Returns the file, the
 * port and the base URL.
 */
export async function writeServeSettings(dir: string, settings: Record<string, unknown>): Promise<{ file: string; port: number; url: string }> {
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const file = path.join(dir, 'settings.json');
  fs.writeFileSync(file, JSON.stringify({ listen: { host: '127.0.0.1', port }, dataDir: path.join(dir, 'data'), ...settings }, null, 2));
  return { file, port, url: `http://127.0.0.1:${port}` };
}

/** `integralgit serve` as a real process; resolves once `<baseUrl>/healthz` answers 200. */
export async function startServeProcess(args: string[], baseUrl: string, env: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, ...args, 'serve'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return child;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`serve did not come up: ${stderr}`);
}

export function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * `integralgit serve` as a real process with its own settings file, data dir and port,
 * for tests that need several servers (a fleet) or a kill -9. Output goes to `<dir>/serve.out`.
 */
export class ServeProcess {
  private child: ChildProcess | undefined;
  readonly outFile: string;

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly settingsFile: string,
  ) {
    this.outFile = path.join(dir, 'serve.out');
  }

  /** Writes the settings (`writeServeSettings`) and starts the server. */
  static async start(dir: string, settings: Record<string, unknown>): Promise<ServeProcess> {
    const { file, port } = await writeServeSettings(dir, settings);
    const p = new ServeProcess(dir, port, file);
    await p.start();
    return p;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const out = fs.openSync(this.outFile, 'a');
    const child = spawn(process.execPath, [path.resolve(BIN), '--settings', this.settingsFile, 'serve'], { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    this.child = child;
    const deadline = Date.now() + 60_000; // three node processes starting at once on a busy 2-core machine
    for (;;) {
      if (child.exitCode !== null) throw new Error(`serve exited (${child.exitCode}):\n${this.output()}`);
      try {
        const res = await fetch(`${this.url}/healthz`);
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`serve did not come up:\n${this.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  output(): string {
    try {
      return fs.readFileSync(this.outFile, 'utf8').slice(-4000);
    } catch {
      return '(no output)';
    }
  }

  async getJson<T = Record<string, unknown>>(route: string): Promise<{ status: number; body: T }> {
    const res = await fetch(this.url + route);
    return { status: res.status, body: (await res.json()) as T };
  }

  /** SIGTERM (graceful) or SIGKILL. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }
}
