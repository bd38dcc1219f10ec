import http from 'node:http';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

/**
 * A smart-HTTP git server on 127.0.0.1 backed by `git http-backend` (CGI), for the demo
 * and the integration tests: isomorphic-git only speaks HTTP(S), and real git over a real
 * socket is what production sees. The backend is spawned asynchronously per request, so a
 * client in the same process never deadlocks against it.
 */
export interface GitHttpServerOptions {
  /** directory holding bare repositories, served as /<name>.git */
  projectRoot: string;
  /** when set, every request must carry these basic-auth credentials */
  auth?: { username: string; password: string };
  /** when set, every request is answered with a 302 to this base URL (redirect tests) */
  redirectTo?: string;
  /** allow pushes over HTTP (off: tests push to the bare path directly) */
  allowPush?: boolean;
}

export interface GitHttpServer {
  url: string;
  port: number;
  /** headers of every request received, newest last (to check what credentials were sent) */
  requests: Array<{ method: string; url: string; authorization?: string }>;
  close(): Promise<void>;
}

export async function serveGitHttp(opts: GitHttpServerOptions, port = 0): Promise<GitHttpServer> {
  const requests: GitHttpServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', authorization: req.headers.authorization });
    if (opts.redirectTo) {
      res.writeHead(302, { Location: opts.redirectTo.replace(/\/$/, '') + (req.url ?? '/') });
      res.end();
      return;
    }
    if (opts.auth) {
      const expected = 'Basic ' + Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64');
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
        res.end('authentication required\n');
        return;
      }
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: path.resolve(opts.projectRoot),
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      REQUEST_METHOD: req.method ?? 'GET',
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      GIT_CONFIG_NOSYSTEM: '1',
    };
    if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
    if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
    if (opts.allowPush) env.REMOTE_USER = 'integralgit-test';
    const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    req.pipe(cgi.stdin);
    cgi.stdin.on('error', () => undefined);
    let headerBuf = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      headerBuf = Buffer.concat([headerBuf, chunk]);
      let sep = headerBuf.indexOf('\r\n\r\n');
      let sepLen = 4;
      if (sep < 0) {
        sep = headerBuf.indexOf('\n\n');
        sepLen = 2;
      }
      if (sep < 0) return;
      headersDone = true;
      let status = 200;
      for (const line of headerBuf.subarray(0, sep).toString('latin1').split(/\r?\n/)) {
        const idx = line.indexOf(':');
        if (idx < 0) continue;
        const name = line.slice(0, idx).trim();
        const value = line.slice(idx + 1).trim();
        if (name.toLowerCase() === 'status') status = parseInt(value, 10) || 200;
        else res.setHeader(name, value);
      }
      res.statusCode = status;
      res.write(headerBuf.subarray(sep + sepLen));
    });
    cgi.stdout.on('end', () => res.end());
    cgi.stderr.resume();
    cgi.on('error', () => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // Node clients keep sockets alive (Node 20's global agent): closing an idle one after the
  // default 5 s races a client reusing it, which then sees ECONNRESET. Many hosts fetching
  // at once on a busy machine (bench/fleet.js) hit that race.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
