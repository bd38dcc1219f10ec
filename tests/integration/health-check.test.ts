import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { runHealthcheck } from '../../lib/health/run-healthcheck';
import { checkHealthcheckUrl } from '../../lib/health/check-healthcheck-url';
import { IntegralGitError } from '../../lib/errors';
import { makeTempDir } from '../helpers/git-fixture';

/** A real app under check on 127.0.0.1; `behave` decides each answer. */
function startApp(behave: (n: number, res: http.ServerResponse) => void, port = 0): Promise<http.Server & { hits: number; port: number }> {
  const server = http.createServer((_req, res) => {
    s.hits += 1;
    behave(s.hits, res);
  }) as http.Server & { hits: number; port: number };
  const s = server;
  s.hits = 0;
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => {
    s.port = (server.address() as AddressInfo).port;
    resolve(s);
  }));
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

describe('healthcheck url rule: loopback or healthcheckHosts', () => {
  it.each(['http://127.0.0.1:3000/health', 'http://127.9.9.9/', 'http://[::1]:80/h', 'https://localhost/h', 'http://[::ffff:127.0.0.1]/'])('allows %s', (url) => {
    expect(checkHealthcheckUrl(url, []).href).toBeTruthy();
  });
  it('allows a listed host, refuses others with the setting named, refuses non-http', () => {
    expect(checkHealthcheckUrl('http://App.Internal:8080/health', ['app.internal']).hostname).toBe('app.internal');
    const err = (() => {
      try {
        checkHealthcheckUrl('http://169.254.169.254/latest/meta-data', ['app.internal']);
      } catch (e) {
        return e as IntegralGitError;
      }
      throw new Error('expected a refusal');
    })();
    expect(err.code).toBe('IG_HEALTHCHECK_FORBIDDEN');
    expect(err.message).toMatch(/169\.254\.169\.254.*healthcheckHosts/);
    expect(() => checkHealthcheckUrl('file:///etc/passwd', [])).toThrow(/http:\/\/ or https:\/\//);
  });
});

describe('runHealthcheck against a real loopback server', () => {
  it('passes once an app that starts late is listening', async () => {
    // the port is taken, released, and the app binds it 1.5 s into the check
    const probe = await startApp(() => undefined);
    const port = probe.port;
    await new Promise((r) => probe.close(r));
    setTimeout(() => void startApp((_n, res) => res.end('ok'), port).then((s) => servers.push(s)), 1500);
    const steps: string[] = [];
    const r = await runHealthcheck({ healthcheck: { url: `http://127.0.0.1:${port}/health`, timeout: 10, interval: 1 }, healthcheckHosts: [], cwd: '/', env, onStep: (l) => steps.push(l) });
    expect(r.passed).toBe(true);
    expect(r.attempts).toBeGreaterThanOrEqual(2);
    expect(steps[0]).toMatch(/attempt 1 failed: .*connection refused/);
  });

  it('fails after the timeout when the app answers 500, naming the status; passes when 500 is the expected status', async () => {
    const app = await startApp((_n, res) => {
      res.statusCode = 500;
      res.end('down');
    });
    servers.push(app);
    const started = Date.now();
    const r = await runHealthcheck({ healthcheck: { url: `http://127.0.0.1:${app.port}/h`, timeout: 3, interval: 1 }, healthcheckHosts: [], cwd: '/', env });
    expect(r.passed).toBe(false);
    expect(r.lastFailure).toMatch(/answered 500 \(want 200\)/);
    expect(r.attempts).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(5000);
    const ok = await runHealthcheck({ healthcheck: { url: `http://127.0.0.1:${app.port}/h`, expectStatus: 500 }, healthcheckHosts: [], cwd: '/', env });
    expect(ok).toMatchObject({ passed: true, attempts: 1 });
  });

  it('gives up on an app that hangs at the timeout, not later', async () => {
    const app = await startApp(() => undefined);
    servers.push(app);
    const started = Date.now();
    const r = await runHealthcheck({ healthcheck: { url: `http://127.0.0.1:${app.port}/h`, timeout: 2, interval: 1 }, healthcheckHosts: [], cwd: '/', env });
    expect(r.passed).toBe(false);
    expect(r.lastFailure).toMatch(/no answer within/);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('does not follow a redirect: the 3xx is the answer', async () => {
    const app = await startApp((_n, res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/' });
      res.end();
    });
    servers.push(app);
    const r = await runHealthcheck({ healthcheck: { url: `http://127.0.0.1:${app.port}/h`, timeout: 1, interval: 1 }, healthcheckHosts: [], cwd: '/', env });
    expect(r).toMatchObject({ passed: false, lastFailure: expect.stringMatching(/answered 302/) });
  });

  it('refuses a url outside loopback and healthcheckHosts before any request', async () => {
    await expect(runHealthcheck({ healthcheck: { url: 'http://example.com/h' }, healthcheckHosts: [], cwd: '/', env })).rejects.toMatchObject({ code: 'IG_HEALTHCHECK_FORBIDDEN' });
  });
});

describe('runHealthcheck with a command, run like the script', () => {
  it('retries a relative command in cwd until it exits 0; url and command must both pass', async () => {
    const dir = makeTempDir('ig-health-');
    const check = path.join(dir, 'check.sh');
    fs.writeFileSync(check, '#!/bin/sh\nn=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; echo "try $n"; [ $n -ge 3 ]\n', { mode: 0o755 });
    const app = await startApp((_n, res) => res.end('ok'));
    servers.push(app);
    const out: string[] = [];
    const r = await runHealthcheck({
      healthcheck: { url: `http://127.0.0.1:${app.port}/`, command: './check.sh', timeout: 20, interval: 1 },
      healthcheckHosts: [],
      cwd: dir,
      env,
      onOutput: (c) => out.push(c.text),
    });
    expect(r).toMatchObject({ passed: true, attempts: 3 });
    expect(out.join('')).toContain('try 3');
    expect(app.hits).toBe(3);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fails with the exit code of the last attempt', async () => {
    const dir = makeTempDir('ig-health-');
    fs.writeFileSync(path.join(dir, 'check.sh'), '#!/bin/sh\nexit 7\n', { mode: 0o755 });
    const r = await runHealthcheck({ healthcheck: { command: './check.sh', timeout: 1, interval: 1 }, healthcheckHosts: [], cwd: dir, env });
    expect(r).toMatchObject({ passed: false, attempts: 1, lastFailure: './check.sh exited with code 7' });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
