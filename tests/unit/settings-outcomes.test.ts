import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IntegralGitError } from '../../lib/errors';
import { settingsFromObject } from '../../lib/settings/load-settings';
import { allSecretEnvNames, allSecretValues } from '../../lib/settings/secret-lists';

type P = { path: string; message: string };

function load(raw: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  return settingsFromObject(raw, { file: '<test>', baseDir: '/etc/integralgit', env, detectGit: () => ({ found: true }) });
}

function problems(raw: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): P[] {
  try {
    load(raw, env);
  } catch (err) {
    expect((err as IntegralGitError).code).toBe('IG_SETTINGS_INVALID');
    return (err as IntegralGitError).data.problems as P[];
  }
  throw new Error('expected IG_SETTINGS_INVALID');
}

const app = (extra: Record<string, unknown> = {}) => ({ url: 'https://github.com/Acme/App.git', secret: 'hook-secret', ...extra });

describe('publicUrl', () => {
  it('is kept without its trailing slash', () => {
    expect(load({ publicUrl: 'https://deploy.example.com/integralgit/' }).publicUrl).toBe('https://deploy.example.com/integralgit');
  });
  it.each([
    ['deploy.example.com', 'absolute http'],
    ['ftp://deploy.example.com', 'http:// or https://'],
    ['https://u:p@deploy.example.com', 'credentials'],
  ])('refuses %s', (value, text) => {
    expect(problems({ publicUrl: value })).toEqual([{ path: '/publicUrl', message: expect.stringContaining(text) }]);
  });
  it('is absent by default, and notify is an empty list', () => {
    const s = load({});
    expect(s.publicUrl).toBeUndefined();
    expect(s.notify).toEqual([]);
  });
});

describe('repos.<name>.commitStatus', () => {
  it('reads the token from the environment and keeps it from scripts', () => {
    const s = load({ repos: { app: app({ commitStatus: { tokenEnv: 'GH_STATUS_TOKEN' } }) } }, { GH_STATUS_TOKEN: 'ghp_statustoken' });
    expect(s.repos.app.commitStatus).toEqual({ token: 'ghp_statustoken' });
    expect(allSecretEnvNames(s)).toContain('GH_STATUS_TOKEN');
    expect(allSecretValues(s)).toContain('ghp_statustoken');
  });

  it('reads the token from a file (a systemd credential)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-cs-'));
    fs.writeFileSync(path.join(dir, 'token'), 'glpat-fromfile\n');
    try {
      const s = load({ repos: { app: app({ url: 'https://gitlab.example.com/g/sub/app.git', commitStatus: { provider: 'gitlab', tokenFile: path.join(dir, 'token') } }) } });
      expect(s.repos.app.commitStatus).toEqual({ provider: 'gitlab', token: 'glpat-fromfile' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('needs a token', () => {
    expect(problems({ repos: { app: app({ commitStatus: { provider: 'github' } }) } })).toEqual([
      { path: '/repos/app/commitStatus', message: expect.stringContaining('set token, tokenEnv or tokenFile') },
    ]);
  });

  it('names an unset token variable', () => {
    expect(problems({ repos: { app: app({ commitStatus: { tokenEnv: 'NOPE' } }) } })).toEqual([
      { path: '/repos/app/commitStatus/tokenEnv', message: expect.stringContaining('NOPE is not set') },
    ]);
  });

  it('refuses an unknown key with a did-you-mean, and an unknown provider', () => {
    const p = problems({ repos: { app: app({ commitStatus: { token: 't', tokenenv: 'X', provider: 'githab' } }) } });
    expect(p).toEqual(
      expect.arrayContaining([
        { path: '/repos/app/commitStatus/tokenenv', message: expect.stringContaining('did you mean "tokenEnv"') },
        { path: '/repos/app/commitStatus/provider', message: expect.stringContaining('"bitbucket-server"') },
      ]),
    );
  });

  it('refuses an apiUrl that is not http(s) or carries credentials', () => {
    expect(problems({ repos: { app: app({ commitStatus: { token: 't', apiUrl: 'https://x:y@api.example.com' } }) } })).toEqual([
      { path: '/repos/app/commitStatus/apiUrl', message: expect.stringContaining('credentials') },
    ]);
  });

  it('refuses a GitHub repo path that is not owner/name, and a local repo', () => {
    expect(problems({ repos: { app: app({ url: 'https://github.com/just-one.git', commitStatus: { token: 't' } }) } })[0].message).toContain('owner/name');
    expect(problems({ repos: { app: app({ url: '/srv/git/app.git', commitStatus: { token: 't', provider: 'gitea' } }) } })[0].message).toContain('not on a git host');
  });

  it('leaves the provider open on an unknown host (the webhooks tell it later)', () => {
    const s = load({ repos: { app: app({ url: 'https://git.example.com/ops/app.git', commitStatus: { token: 't' } }) } });
    expect(s.repos.app.commitStatus).toEqual({ token: 't' });
  });

  it('wants publicUrl for Bitbucket, which requires a link on every status', () => {
    const raw = { repos: { app: app({ url: 'https://bitbucket.org/acme/app.git', commitStatus: { token: 't' } }) } };
    expect(problems(raw)).toEqual([{ path: '/repos/app/commitStatus', message: expect.stringContaining('set publicUrl') }]);
    expect(load({ ...raw, publicUrl: 'https://deploy.example.com' }).repos.app.commitStatus).toEqual({ token: 't' });
  });

  it('takes a username for Bitbucket basic auth only', () => {
    expect(problems({ repos: { app: app({ commitStatus: { provider: 'github', token: 't', username: 'bob' } }) } })).toEqual([
      { path: '/repos/app/commitStatus/username', message: expect.stringContaining('Bitbucket') },
    ]);
  });
});

describe('notify', () => {
  const env = { HOOK_SECRET: 'hmac-key', SLACK_URL: 'https://hooks.slack.com/services/T/B/xyz', SMTP_USER: 'ig', SMTP_PASS: 'mail-pass' };
  const targets = [
    { type: 'webhook', url: 'https://ops.example.com/hook', secretEnv: 'HOOK_SECRET' },
    { type: 'slack', urlEnv: 'SLACK_URL', on: ['started', 'failed'], repos: ['app'] },
    { type: 'email', smtp: 'smtp://mail.example.com:587', from: 'ig@example.com', to: ['ops@example.com'], usernameEnv: 'SMTP_USER', passwordEnv: 'SMTP_PASS' },
  ];

  it('resolves every target type, with default names and events', () => {
    const s = load({ repos: { app: app() }, notify: targets }, env);
    expect(s.notify).toEqual([
      { type: 'webhook', name: 'webhook', on: ['failed', 'recovered', 'missed'], url: 'https://ops.example.com/hook', secret: 'hmac-key' },
      { type: 'slack', name: 'slack', on: ['started', 'failed'], repos: ['app'], url: env.SLACK_URL },
      { type: 'email', name: 'email', on: ['failed', 'recovered', 'missed'], smtp: 'smtp://mail.example.com:587', from: 'ig@example.com', to: ['ops@example.com'], username: 'ig', password: 'mail-pass' },
    ]);
    expect(allSecretEnvNames(s)).toEqual(expect.arrayContaining(['HOOK_SECRET', 'SLACK_URL', 'SMTP_USER', 'SMTP_PASS']));
    expect(allSecretValues(s)).toEqual(expect.arrayContaining(['hmac-key', env.SLACK_URL, 'mail-pass']));
  });

  it('numbers unnamed targets of one type and refuses two of the same name', () => {
    const s = load({ notify: [{ type: 'webhook', url: 'https://a.example.com' }, { type: 'webhook', url: 'https://b.example.com' }] });
    expect(s.notify?.map((t) => t.name)).toEqual(['webhook', 'webhook-2']);
    expect(s.warnings?.some((w) => w.includes('not signed'))).toBe(true);
    expect(problems({ notify: [{ type: 'slack', name: 'ops', url: 'https://a.example.com' }, { type: 'slack', name: 'ops', url: 'https://b.example.com' }] })).toEqual([
      { path: '/notify/1/name', message: expect.stringContaining('"ops"') },
    ]);
  });

  it('refuses keys of another type, with a did-you-mean', () => {
    expect(problems({ notify: [{ type: 'slack', url: 'https://a.example.com', secretEnv: 'X' }] })).toEqual([
      { path: '/notify/0/secretEnv', message: expect.stringContaining('not a key of a slack target') },
    ]);
    expect(problems({ notify: [{ type: 'email', smtp: 'smtp://m', from: 'a@b', to: ['c@d'], url: 'https://x' }] })[0].message).toContain('not a key of an email target');
  });

  it('refuses unknown keys, types and events through the schema', () => {
    const p = problems({ notify: [{ type: 'sms', url: 'https://x' }, { type: 'slack', url: 'https://x', onn: ['failed'] }, { type: 'slack', url: 'https://x', on: ['fail'] }] });
    expect(p).toEqual(
      expect.arrayContaining([
        { path: '/notify/0/type', message: expect.stringContaining('"webhook"') },
        { path: '/notify/1/onn', message: expect.stringContaining('did you mean "on"') },
        { path: '/notify/2/on/0', message: expect.stringContaining('"recovered"') },
      ]),
    );
  });

  it('refuses repos not in the settings, with a did-you-mean', () => {
    expect(problems({ repos: { myapp: app() }, notify: [{ type: 'slack', url: 'https://x.example.com', repos: ['mypp'] }] })).toEqual([
      { path: '/notify/0/repos/0', message: expect.stringContaining('did you mean "myapp"') },
    ]);
  });

  it('needs url or urlEnv, and never repeats a bad URL (it may be a credential)', () => {
    expect(problems({ notify: [{ type: 'webhook' }] })).toEqual([{ path: '/notify/0', message: expect.stringContaining('url or urlEnv') }]);
    const p = problems({ notify: [{ type: 'slack', urlEnv: 'SLACK_URL' }] }, { SLACK_URL: 'hooks.slack.com/services/T/B/secretpart' });
    expect(p).toEqual([{ path: '/notify/0/urlEnv', message: expect.stringContaining('absolute') }]);
    expect(JSON.stringify(p)).not.toContain('secretpart');
    expect(problems({ notify: [{ type: 'slack', urlEnv: 'NOPE' }] })).toEqual([{ path: '/notify/0/urlEnv', message: expect.stringContaining('NOPE is not set') }]);
  });

  it('checks an email target: required keys, smtp URL, login pairs', () => {
    expect(problems({ notify: [{ type: 'email', smtp: 'smtp://m.example.com' }] })).toEqual([
      { path: '/notify/0/from', message: 'is required for an email target' },
      { path: '/notify/0/to', message: 'is required for an email target' },
    ]);
    const base = { type: 'email', from: 'a@example.com', to: ['b@example.com'] };
    expect(problems({ notify: [{ ...base, smtp: 'http://m.example.com' }] })[0].message).toContain('smtp://');
    expect(problems({ notify: [{ ...base, smtp: 'smtp://u:p@m.example.com' }] })[0].message).toContain('credentials');
    expect(problems({ notify: [{ ...base, smtp: 'smtp://m.example.com', usernameEnv: 'U' }] }, { U: 'me' })).toEqual([
      { path: '/notify/0', message: expect.stringContaining('both a username') },
    ]);
  });
});
