import type { Request } from 'express';
import { relativeTime, exactUtc, formatDuration } from '../../lib/history/format-time';
import { badgeSvg, deploymentBadge, textWidth } from '../../lib/history/badge-svg';
import { safeWebUrl, splitMessage, shortSha } from '../../lib/history/commit-text';
import { explainDeployment } from '../../lib/history/explain-deployment';
import type { ApiDeployment } from '../../lib/history/repo-history';
import { urlBuilder } from '../../server/pages/render-page';
import { CsrfGuard } from '../../server/middleware/csrf';
import { checkAdmin, canRead } from '../../server/middleware/credentials';
import type { Settings } from '../../lib/settings/types';

/* The pure parts of the UI (no server needed), next to the pages they serve. */

describe('times and durations', () => {
  const now = new Date('2025-03-01T12:00:00Z');
  it.each([
    ['2025-03-01T12:00:03Z', 'just now'],
    ['2025-03-01T11:59:18Z', '42 s ago'],
    ['2025-03-01T11:57:00Z', '3 min ago'],
    ['2025-03-01T11:00:00Z', '1 hour ago'],
    ['2025-02-27T12:00:00Z', '2 days ago'],
    ['2024-01-01T00:00:00Z', '1 year ago'],
    ['2025-03-01T12:05:00Z', 'in 5 min'],
    ['not a time', ''],
  ])('relativeTime(%s) = %s', (iso, want) => expect(relativeTime(iso, now)).toBe(want));

  it('exactUtc', () => {
    expect(exactUtc('2025-03-01T14:05:09.123Z')).toBe('2025-03-01 14:05:09 UTC');
    expect(exactUtc('2025-03-01T15:05:09+01:00')).toBe('2025-03-01 14:05:09 UTC');
    expect(exactUtc(null)).toBe('');
    expect(exactUtc('garbage')).toBe('garbage');
  });

  it.each([
    [850, '850 ms'],
    [4200, '4.2 s'],
    [184_000, '3 min 04 s'],
    [3_720_000, '1 h 02 min'],
    [null, ''],
    [-1, ''],
  ])('formatDuration(%s) = %s', (ms, want) => expect(formatDuration(ms)).toBe(want));
});

describe('badge', () => {
  it('escapes its text and refuses a colour that is not a colour', () => {
    const svg = badgeSvg({ label: 'a<b>&"', message: "x'y", color: 'red" onload="alert(1)' });
    expect(svg).toContain('a&lt;b&gt;&amp;&quot;');
    expect(svg).toContain('x&#39;y');
    expect(svg).not.toContain('onload');
    expect(svg).toContain('fill="#9f9f9f"');
  });

  it('wider text makes a wider badge', () => {
    expect(textWidth('succeeded')).toBeGreaterThan(textWidth('failed'));
    const w = (s: string) => Number(/width="(\d+)"/.exec(badgeSvg(deploymentBadge(s as 'failed')))![1]);
    expect(w('succeeded')).toBeGreaterThan(w('failed'));
    expect(deploymentBadge(undefined)).toMatchObject({ message: 'never deployed' });
  });
});

describe('commit text', () => {
  it('splits the subject from the body', () => {
    expect(splitMessage('subject\r\n\r\nbody 1\nbody 2\n')).toEqual({ subject: 'subject', body: 'body 1\nbody 2' });
    expect(splitMessage('only')).toEqual({ subject: 'only', body: '' });
    expect(shortSha('0123456789abcdef')).toBe('0123456789');
  });

  it.each([
    ['https://github.com/acme/app/commit/abc', 'https://github.com/acme/app/commit/abc'],
    ['http://git.local/c/1', 'http://git.local/c/1'],
    ['javascript:alert(1)', undefined],
    ['JaVaScRiPt:alert(1)', undefined],
    ['data:text/html,<script>', undefined],
    ['//evil.example/x', undefined],
    ['https://user:pw@github.com/x', undefined],
    ['not a url', undefined],
    [null, undefined],
  ])('safeWebUrl(%s)', (url, want) => expect(safeWebUrl(url)).toBe(want));
});

describe('explainDeployment', () => {
  const base: ApiDeployment = {
    id: 1, status: 'failed', commit: 'a'.repeat(40), previousCommit: null, branch: 'master', host: 'web1', trigger: 'webhook',
    queuedAt: '', startedAt: null, finishedAt: null, durationMs: null, exitCode: null, signal: null, error: null, errorCode: null, skipReason: null, coalescedJobIds: [],
  };
  it('says what happened and what to do', () => {
    expect(explainDeployment({ ...base, exitCode: 3, errorCode: 'IG_SCRIPT_FAILED', error: 'x' })).toMatchObject({ headline: 'The deployment failed: the script exited with code 3.', detail: 'x' });
    expect(explainDeployment({ ...base, signal: 'SIGKILL', errorCode: 'IG_SCRIPT_TIMEOUT' }).hint).toContain('timeout');
    expect(explainDeployment({ ...base, errorCode: 'IG_WORKCOPY_DIRTY' }).hint).toContain('changed files');
    expect(explainDeployment({ ...base, status: 'skipped', skipReason: 'other branch' })).toMatchObject({ headline: 'Nothing was deployed.', detail: 'other branch' });
    expect(explainDeployment({ ...base, status: 'succeeded' }).headline).toBe('Deployed aaaaaaaaaa successfully.');
  });
});

describe('links', () => {
  it('encodes each path segment and drops empty query values', () => {
    const { u, q, root } = urlBuilder('/base');
    expect(root).toBe('/base/');
    expect(u('app', 'deployments', 3)).toBe('/base/app/deployments/3');
    expect(u('a/b?c#d')).toBe('/base/a%2Fb%3Fc%23d');
    expect(q('/x', { a: 'feature/<x>&y', b: '', c: undefined, d: 2 })).toBe('/x?a=feature%2F%3Cx%3E%26y&d=2');
    expect(urlBuilder('').u('app')).toBe('/app');
  });
});

function fakeReq(headers: Record<string, string>, body?: Record<string, unknown>): Request {
  return { headers, body } as unknown as Request;
}

describe('CSRF guard', () => {
  const guard = new CsrfGuard('/');
  function session(): { cookie: string; token: string } {
    let cookie = '';
    const res = { cookie: (_n: string, v: string) => (cookie = v) };
    const token = guard.tokenFor(fakeReq({}), res as never);
    return { cookie, token };
  }

  it('accepts the token of the cookie, from the same origin or an old browser', () => {
    const { cookie, token } = session();
    expect(guard.problem(fakeReq({ cookie: `ig_csrf=${cookie}`, 'sec-fetch-site': 'same-origin' }, { _csrf: token }))).toBeUndefined();
    expect(guard.problem(fakeReq({ cookie: `other=1; ig_csrf=${cookie}` }, { _csrf: token }))).toBeUndefined();
  });

  it('refuses everything else', () => {
    const a = session();
    const b = session();
    expect(guard.problem(fakeReq({ cookie: `ig_csrf=${a.cookie}` }, { _csrf: b.token }))).toMatch(/stale or forged/);
    expect(guard.problem(fakeReq({ cookie: `ig_csrf=${a.cookie}` }, {}))).toMatch(/without its CSRF token/);
    expect(guard.problem(fakeReq({}, { _csrf: a.token }))).toMatch(/without its cookie/);
    expect(guard.problem(fakeReq({ cookie: `ig_csrf=${a.cookie}`, 'sec-fetch-site': 'cross-site' }, { _csrf: a.token }))).toMatch(/another site/);
    // another server instance (a restart) has another key
    expect(new CsrfGuard('/').problem(fakeReq({ cookie: `ig_csrf=${a.cookie}` }, { _csrf: a.token }))).toMatch(/stale or forged/);
  });

  it('keeps a well-formed cookie and replaces a malformed one', () => {
    const { cookie } = session();
    let set = false;
    guard.tokenFor(fakeReq({ cookie: `ig_csrf=${cookie}` }), { cookie: () => (set = true) } as never);
    expect(set).toBe(false);
    guard.tokenFor(fakeReq({ cookie: 'ig_csrf=<bad>' }), { cookie: () => (set = true) } as never);
    expect(set).toBe(true);
  });
});

describe('credentials', () => {
  const b = (u: string, p: string) => 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64');
  const settings = { admin: { username: 'ops', password: 'pw', token: 'tok' }, readAuth: { username: 'viewer', password: 'rpw' } } as unknown as Settings;

  it('checkAdmin: bearer token, or basic with the password or the token', () => {
    expect(checkAdmin(settings, fakeReq({ authorization: 'Bearer tok' }))).toEqual({ ok: true, via: 'bearer', user: 'ops' });
    expect(checkAdmin(settings, fakeReq({ authorization: b('ops', 'pw') }))).toMatchObject({ ok: true, via: 'basic' });
    expect(checkAdmin(settings, fakeReq({ authorization: b('ops', 'tok') }))).toMatchObject({ ok: true, via: 'basic' });
    expect(checkAdmin(settings, fakeReq({ authorization: b('ops', 'no') }))).toEqual({ ok: false, presented: true });
    expect(checkAdmin(settings, fakeReq({ authorization: b('viewer', 'rpw') }))).toEqual({ ok: false, presented: true });
    expect(checkAdmin(settings, fakeReq({ authorization: 'Bearer pw' }))).toEqual({ ok: false, presented: true });
    expect(checkAdmin(settings, fakeReq({}))).toEqual({ ok: false, presented: false });
    const tokenless = { admin: { username: 'ops', password: 'pw' } } as unknown as Settings;
    expect(checkAdmin(tokenless, fakeReq({ authorization: 'Bearer ' }))).toEqual({ ok: false, presented: true });
    expect(checkAdmin({} as Settings, fakeReq({ authorization: b('ops', 'pw') }))).toEqual({ ok: false, presented: true });
  });

  it('canRead: open without readAuth; else read or admin credentials', () => {
    expect(canRead({} as Settings, fakeReq({}))).toBe(true);
    expect(canRead(settings, fakeReq({}))).toBe(false);
    expect(canRead(settings, fakeReq({ authorization: b('viewer', 'rpw') }))).toBe(true);
    expect(canRead(settings, fakeReq({ authorization: b('ops', 'pw') }))).toBe(true);
    expect(canRead(settings, fakeReq({ authorization: b('viewer', 'pw') }))).toBe(false);
  });
});
