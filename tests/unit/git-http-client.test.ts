import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { gitHttpClient } from '../../lib/git-http-client';
import { IntegralGitError } from '../../lib/errors';

async function* chunks(...parts: string[]): AsyncIterableIterator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

/** A fake transport: maps "METHOD url" to a response; records what it was asked. */
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

async function refusal(p: Promise<unknown>): Promise<IntegralGitError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(IntegralGitError);
    return err as IntegralGitError;
  }
  throw new Error('expected a refusal');
}

const REFS = '/info/refs?service=git-upload-pack';

describe('gitHttpClient: one redirect policy, redirects are never followed', () => {
  it.each([
    ['a same-origin 301', 'GET', 301, `/new.git${REFS}`, 'https://git.example'],
    ['a cross-origin 302', 'GET', 302, `https://evil.example/a.git${REFS}?token=s3cret`, 'https://evil.example'],
    ['a 307 of the pack request', 'POST', 307, '/b.git/git-upload-pack', 'https://git.example'],
    ['a 302 without Location', 'GET', 302, undefined, '(no Location header)'],
  ])('refuses %s with IG_FETCH_FAILED naming the status and the target origin, and asks nothing more', async (_name, method, status, location, to) => {
    const url = method === 'GET' ? `https://git.example/a.git${REFS}` : 'https://git.example/a.git/git-upload-pack';
    const { base, seen } = fakeBase({ [`${method} ${url}`]: { status, location } });
    const http = gitHttpClient({ url: 'https://user:tok@git.example/a.git', base });
    const err = await refusal(http.request({ url, method, headers: { Authorization: 'Basic x' }, body: method === 'POST' ? chunks('want') : undefined }));
    expect(err.code).toBe('IG_FETCH_FAILED');
    expect(err.message).toBe(
      `the remote https://git.example/a.git answered HTTP ${status}, a redirect to ${to}: redirects are not followed (IntegralGit fetches only the URL in the settings, so credentials never follow a redirect); if the repository moved, set its current address as its \`url\` in the settings`,
    );
    expect(err.message).not.toContain('s3cret');
    expect(err.message).not.toContain('tok');
    expect(seen).toHaveLength(1);
  });

  it('passes other answers through, with the caller signal, and credentials only to the settings origin', async () => {
    const { base, seen } = fakeBase({
      [`GET https://git.example/a.git${REFS}`]: { status: 200, body: ['refs'] },
      [`GET https://cdn.example/a.git${REFS}`]: { status: 401 },
    });
    const signal = new AbortController().signal;
    const http = gitHttpClient({ url: 'https://git.example/a.git', signal, base });
    const ok = await http.request({ url: `https://git.example/a.git${REFS}`, method: 'GET', headers: { Authorization: 'Basic x', Cookie: 'c=1' } });
    expect(await text(ok)).toBe('refs');
    expect((await http.request({ url: `https://cdn.example/a.git${REFS}`, method: 'GET', headers: { Authorization: 'Basic x', Cookie: 'c=1' } })).statusCode).toBe(401);
    expect(seen.map((r) => r.headers)).toEqual([{ Authorization: 'Basic x', Cookie: 'c=1' }, {}]);
    expect(seen.every((r) => r.signal === signal)).toBe(true);
  });

  it('caps the response size', async () => {
    const { base } = fakeBase({ [`GET https://git.example/a.git${REFS}`]: { status: 200, body: ['x'.repeat(60), 'x'.repeat(60)] } });
    const http = gitHttpClient({ url: 'https://git.example/a.git', maxBodyBytes: 100, what: 'the config branch', base });
    const res = await http.request({ url: `https://git.example/a.git${REFS}`, method: 'GET' });
    await expect(text(res)).rejects.toThrow('the remote https://git.example/a.git sent more than 100 bytes for the config branch; refusing it');
  });
});
