import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { guardedHttp } from '../../lib/config/guarded-http';
import { redactUrl, remoteKind } from '../../lib/remote-url';
import { branchNameProblem } from '../../lib/config/check-branch-name';
import { IntegralGitError } from '../../lib/errors';

async function* chunks(...parts: string[]): AsyncIterableIterator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

/** A fake server: maps "METHOD url" to a response; records what it was asked. */
function fakeBase(routes: Record<string, { status: number; location?: string; body?: string[] }>) {
  const seen: GitHttpRequest[] = [];
  const base: HttpClient = {
    async request(req) {
      seen.push(req);
      const route = routes[`${req.method} ${req.url}`];
      if (!route) return { url: req.url, statusCode: 404, statusMessage: 'Not Found', headers: {}, body: chunks() };
      const headers: Record<string, string> = route.location ? { Location: route.location } : {};
      return { url: req.url, statusCode: route.status, statusMessage: '', headers, body: chunks(...(route.body ?? [])) };
    },
  };
  return { base, seen };
}

async function text(res: GitHttpResponse): Promise<string> {
  const out: Buffer[] = [];
  for await (const c of res.body!) out.push(Buffer.from(c));
  return Buffer.concat(out).toString();
}

const signal = new AbortController().signal;
const REFS = '/info/refs?service=git-upload-pack';

describe('guardedHttp', () => {
  it('follows a same-origin redirect keeping credentials, and sends later requests to the new base', async () => {
    const { base, seen } = fakeBase({
      [`GET https://git.example/old.git${REFS}`]: { status: 301, location: `/new.git${REFS}` },
      [`GET https://git.example/new.git${REFS}`]: { status: 200, body: ['refs'] },
      ['POST https://git.example/new.git/git-upload-pack']: { status: 200, body: ['pack'] },
    });
    const http = guardedHttp({ url: 'https://git.example/old.git', withCredentials: true, signal, maxBodyBytes: 100, base });
    const res = await http.request({ url: `https://git.example/old.git${REFS}`, method: 'GET', headers: { Authorization: 'Basic x' } });
    expect(res.statusCode).toBe(200);
    expect(await text(res)).toBe('refs');
    expect(seen.map((r) => r.headers?.Authorization)).toEqual(['Basic x', 'Basic x']);
    const post = await http.request({ url: 'https://git.example/old.git/git-upload-pack', method: 'POST', headers: { Authorization: 'Basic x' }, body: chunks('want') });
    expect(post.statusCode).toBe(200);
    expect(seen[2].url).toBe('https://git.example/new.git/git-upload-pack');
    expect(seen.every((r) => r.fetchOptions?.followRedirects === false && r.signal === signal)).toBe(true);
  });

  it('refuses a cross-origin redirect when credentials are configured, before sending anything there', async () => {
    const { base, seen } = fakeBase({ [`GET https://git.example/a.git${REFS}`]: { status: 302, location: `https://evil.example/a.git${REFS}` } });
    const http = guardedHttp({ url: 'https://git.example/a.git', withCredentials: true, signal, maxBodyBytes: 100, base });
    await expect(http.request({ url: `https://git.example/a.git${REFS}`, method: 'GET', headers: {} })).rejects.toThrow(
      'the remote https://git.example/a.git redirected to https://evil.example: credentials are never sent to another origin',
    );
    expect(seen).toHaveLength(1);
  });

  it('refuses a cross-origin redirect of a request carrying an Authorization header even without configured auth', async () => {
    const { base } = fakeBase({ [`GET https://git.example/a.git${REFS}`]: { status: 302, location: `https://git.example:8443/a.git${REFS}` } });
    const http = guardedHttp({ url: 'https://git.example/a.git', withCredentials: false, signal, maxBodyBytes: 100, base });
    await expect(http.request({ url: `https://git.example/a.git${REFS}`, method: 'GET', headers: { authorization: 'Basic x' } })).rejects.toBeInstanceOf(IntegralGitError);
  });

  it('refuses https → http, a redirected POST, and redirect loops', async () => {
    const { base } = fakeBase({
      [`GET https://git.example/a.git${REFS}`]: { status: 301, location: `http://git.example/a.git${REFS}` },
      ['POST https://git.example/a.git/git-upload-pack']: { status: 307, location: '/b.git/git-upload-pack' },
      [`GET https://git.example/loop.git${REFS}`]: { status: 302, location: `/loop.git${REFS}` },
    });
    const http = guardedHttp({ url: 'https://git.example/a.git', withCredentials: false, signal, maxBodyBytes: 100, base });
    await expect(http.request({ url: `https://git.example/a.git${REFS}`, method: 'GET' })).rejects.toThrow('a redirect from https to plain http is refused');
    await expect(http.request({ url: 'https://git.example/a.git/git-upload-pack', method: 'POST', body: chunks('x') })).rejects.toThrow('a POST request is not redirected');
    await expect(http.request({ url: `https://git.example/loop.git${REFS}`, method: 'GET' })).rejects.toThrow('more than 5 redirects');
  });

  it('follows a cross-origin redirect without credentials, dropping cookies', async () => {
    const { base, seen } = fakeBase({
      [`GET https://old.example/a.git${REFS}`]: { status: 301, location: `https://new.example/a.git${REFS}` },
      [`GET https://new.example/a.git${REFS}`]: { status: 200 },
    });
    const http = guardedHttp({ url: 'https://old.example/a.git', withCredentials: false, signal, maxBodyBytes: 100, base });
    const res = await http.request({ url: `https://old.example/a.git${REFS}`, method: 'GET', headers: { Cookie: 'c=1' } });
    expect(res.url).toBe(`https://new.example/a.git${REFS}`);
    expect(seen[1].headers).toEqual({});
  });

  it('caps the response size', async () => {
    const { base } = fakeBase({ [`GET https://git.example/a.git${REFS}`]: { status: 200, body: ['x'.repeat(60), 'x'.repeat(60)] } });
    const http = guardedHttp({ url: 'https://git.example/a.git', withCredentials: false, signal, maxBodyBytes: 100, base });
    const res = await http.request({ url: `https://git.example/a.git${REFS}`, method: 'GET' });
    await expect(text(res)).rejects.toThrow('sent more than 100 bytes for the config branch');
  });
});

describe('remoteKind and redactUrl', () => {
  it.each([
    ['https://github.com/acme/app.git', 'http'],
    ['HTTP://127.0.0.1:8080/app.git', 'http'],
    ['ssh://git@example.com/acme/app.git', 'ssh'],
    ['git+ssh://example.com/app.git', 'ssh'],
    ['git@git.example.com:ops/internal.git', 'ssh'],
    ['example.com:app.git', 'ssh'],
    ['file:///srv/git/app.git', 'local'],
    ['/srv/git/app.git', 'local'],
    ['./app.git', 'local'],
    ['git://example.com/app.git', 'other'],
  ])('%s is %s', (url, kind) => {
    expect(remoteKind(url)).toBe(kind);
  });

  it('removes user info from URLs', () => {
    expect(redactUrl('https://user:tok@github.com/a.git')).toBe('https://github.com/a.git');
    expect(redactUrl('https://tok@github.com/a.git')).toBe('https://github.com/a.git');
    expect(redactUrl('https://github.com/a@b.git')).toBe('https://github.com/a@b.git');
  });
});

describe('branchNameProblem follows git check-ref-format --branch', () => {
  it.each(['master', 'release/2024.1', 'feature/x-y_z', 'é', "you'd-want-this", 'a.b'])('accepts %s', (name) => {
    expect(branchNameProblem(name)).toBeUndefined();
  });
  it.each([
    ['', 'must not be empty'],
    ['-x', 'must not start with "-"'],
    ['HEAD', 'must not be "HEAD"'],
    ['@', 'must not be "@"'],
    ['a b', 'must not contain spaces or control characters'],
    ['a\tb', 'must not contain spaces or control characters'],
    ['a\u007fb', 'must not contain spaces or control characters'],
    ['a~1', 'must not contain "~"'],
    ['a^', 'must not contain "^"'],
    ['a:b', 'must not contain ":"'],
    ['a?', 'must not contain "?"'],
    ['a*', 'must not contain "*"'],
    ['a[b', 'must not contain "["'],
    ['a\\b', 'must not contain "\\"'],
    ['a..b', 'must not contain ".."'],
    ['a@{1}', 'must not contain "@{"'],
    ['/a', 'must not start or end with "/"'],
    ['a/', 'must not start or end with "/"'],
    ['a//b', 'must not contain "//"'],
    ['a.', 'must not end with "."'],
    ['.a', 'no part between slashes may start with "."'],
    ['a/.b', 'no part between slashes may start with "."'],
    ['a.lock', 'no part between slashes may end with ".lock"'],
    ['a.lock/b', 'no part between slashes may end with ".lock"'],
    ['x'.repeat(256), 'must be at most 255 bytes long'],
  ])('refuses %j: %s', (name, why) => {
    expect(branchNameProblem(name)).toBe(why);
  });
});
