import fs from 'node:fs';
import path from 'node:path';
import { IntegralGitError } from '../../lib/errors';
import { allSecretEnvNames, allSecretValues, loadSettings, settingsFromObject } from '../../lib/settings/load-settings';
import { removeTempDirs, repo, tempDir, writeSettings } from '../fixtures/settings/write-settings';

afterAll(removeTempDirs);

type P = { path: string; message: string };

function load(raw: unknown, env: NodeJS.ProcessEnv = {}, baseDir = tempDir()) {
  return settingsFromObject(raw, { file: '<test>', baseDir, env, detectGit: () => ({ found: true }) });
}

function problems(raw: unknown, env: NodeJS.ProcessEnv = {}, baseDir = tempDir()): P[] {
  try {
    load(raw, env, baseDir);
  } catch (err) {
    expect((err as IntegralGitError).code).toBe('IG_SETTINGS_INVALID');
    return (err as IntegralGitError).data.problems as P[];
  }
  throw new Error('expected IG_SETTINGS_INVALID');
}

const url = 'https://git.example.com/acme/app.git';

describe('webhook secret sources', () => {
  it('secret: taken literally', () => {
    expect(load({ repos: { app: { url, secret: ' s p a c e ' } } }).repos.app.secret).toBe(' s p a c e ');
  });

  it('secretEnv: read from the given environment and its name recorded', () => {
    const s = load({ repos: { app: { url, secretEnv: 'APP_SECRET' } } }, { APP_SECRET: 'from-env' });
    expect(s.repos.app.secret).toBe('from-env');
    expect(s.repos.app.secretEnvNames).toEqual(['APP_SECRET']);
  });

  it('secretFile: read, trailing newline removed, relative to the settings folder', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'hook.secret'), 'from-file\n');
    fs.writeFileSync(path.join(dir, 'crlf.secret'), 'crlf\r\n');
    const s = load({ repos: { a: { url, secretFile: 'hook.secret' }, b: { url: url + '2', secretFile: path.join(dir, 'crlf.secret') } } }, {}, dir);
    expect(s.repos.a.secret).toBe('from-file');
    expect(s.repos.b.secret).toBe('crlf');
  });

  it('secretFile through loadSettings: relative to the settings file', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'hook.secret'), 'abc\n');
    const s = loadSettings(writeSettings({ repos: { app: { url, secretFile: './hook.secret' } } }, 'settings.json', dir), {}, {});
    expect(s.repos.app.secret).toBe('abc');
  });

  it('no source at all is an error naming the choices', () => {
    expect(problems({ repos: { app: { url } } })).toEqual([
      { path: '/repos/app', message: expect.stringMatching(/set one of secret, secretEnv or secretFile \(or "insecure": true/) },
    ]);
  });

  it('an empty or blank literal secret is an error, never a match for an empty header', () => {
    expect(problems({ repos: { a: { url, secret: '' }, b: { url: url + 'b', secret: '  ' } } })).toEqual([
      { path: '/repos/a/secret', message: expect.stringContaining('is empty') },
      { path: '/repos/b/secret', message: expect.stringContaining('is empty') },
    ]);
  });

  it('an unset or empty variable is an error naming the variable', () => {
    expect(problems({ repos: { a: { url, secretEnv: 'UNSET_ONE' }, b: { url: url + 'b', secretEnv: 'EMPTY_ONE' } } }, { EMPTY_ONE: '' })).toEqual([
      { path: '/repos/a/secretEnv', message: expect.stringContaining('environment variable UNSET_ONE is not set') },
      { path: '/repos/b/secretEnv', message: expect.stringContaining('environment variable EMPTY_ONE is empty') },
    ]);
  });

  it('a missing, empty, newline-only, oversized or non-regular secret file is an error naming the file', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'empty'), '');
    fs.writeFileSync(path.join(dir, 'newline'), '\n');
    fs.writeFileSync(path.join(dir, 'huge'), 'x'.repeat(100_000));
    fs.mkdirSync(path.join(dir, 'folder'));
    const names = ['missing', 'empty', 'newline', 'huge', 'folder'];
    const raw = { repos: Object.fromEntries(names.map((n) => [n, { url: `${url}/${n}`, secretFile: n }])) };
    const found = problems(raw, {}, dir);
    expect(found).toEqual([
      { path: '/repos/missing/secretFile', message: `file ${path.join(dir, 'missing')} does not exist` },
      { path: '/repos/empty/secretFile', message: expect.stringContaining(`file ${path.join(dir, 'empty')} is empty`) },
      { path: '/repos/newline/secretFile', message: expect.stringContaining(`file ${path.join(dir, 'newline')} is empty`) },
      { path: '/repos/huge/secretFile', message: expect.stringContaining('a secret file holds one secret') },
      { path: '/repos/folder/secretFile', message: `${path.join(dir, 'folder')} is not a regular file` },
    ]);
  });

  it('an unreadable secret file is an error (skipped when running as root)', () => {
    if (process.getuid?.() === 0) return;
    const dir = tempDir();
    const f = path.join(dir, 'locked');
    fs.writeFileSync(f, 'x');
    fs.chmodSync(f, 0o000);
    expect(problems({ repos: { app: { url, secretFile: f } } }, {}, dir)).toEqual([
      { path: '/repos/app/secretFile', message: expect.stringContaining('cannot be read (EACCES)') },
    ]);
  });

  it('several sources: file over env over literal, with a warning, and the winner must resolve', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 's'), 'file-value');
    const s = load({ repos: { app: { url, secret: 'lit', secretEnv: 'E', secretFile: 's' } } }, { E: 'env-value' }, dir);
    expect(s.repos.app.secret).toBe('file-value');
    expect(s.warnings).toEqual(['repos.app: secret, secretEnv, secretFile are all set; using secretFile (remove the others to silence this warning)']);
    // no silent fallback to the literal when the chosen variable is unset
    expect(problems({ repos: { app: { url, secret: 'lit', secretEnv: 'E' } } })).toEqual([
      { path: '/repos/app/secretEnv', message: expect.stringContaining('E is not set') },
    ]);
  });

  it('messages never contain a secret value', () => {
    const err = (() => {
      try {
        load({ repos: { app: { url: 'https://user:hunter2@example.com/x.git', secret: 'hunter3' }, api: { url, secret: 'hunter4' } }, admin: { password: '' } });
      } catch (e) {
        return e as IntegralGitError;
      }
      throw new Error('expected an error');
    })();
    expect(err.message).not.toMatch(/hunter/);
  });
});

describe('insecure', () => {
  it('insecure: true without a secret is accepted, with a warning', () => {
    const s = load({ repos: { app: { url, insecure: true } } });
    expect(s.repos.app.insecure).toBe(true);
    expect(s.repos.app.secret).toBeUndefined();
    expect(s.warnings).toContainEqual(expect.stringContaining('repos.app: insecure is true'));
  });

  it('insecure: true with a secret is an error (ambiguous)', () => {
    expect(problems({ repos: { app: { url, insecure: true, secretEnv: 'X' } } }, { X: 'y' })).toEqual([
      { path: '/repos/app/insecure', message: expect.stringContaining('ambiguous') },
    ]);
  });

  it('insecure: false still needs a secret', () => {
    expect(problems({ repos: { app: { url, insecure: false } } })[0].path).toBe('/repos/app');
  });
});

describe('git credentials (auth)', () => {
  it('username and token, literally or from env', () => {
    const s = load({ repos: { a: repo({ auth: { username: 'bot', token: 't1' } }), b: repo({ url: url + 'b', auth: { usernameEnv: 'U', tokenEnv: 'T' } }) } }, { U: 'u2', T: 't2' });
    expect(s.repos.a.auth).toEqual({ username: 'bot', token: 't1' });
    expect(s.repos.b.auth).toEqual({ username: 'u2', token: 't2' });
    expect(s.repos.b.secretEnvNames).toEqual(['U', 'T']);
  });

  it('a token without username is fine; a username without token is not', () => {
    expect(load({ repos: { a: repo({ auth: { token: 't' } }) } }).repos.a.auth).toEqual({ token: 't' });
    expect(problems({ repos: { a: repo({ auth: { username: 'u' } }) } })).toEqual([
      { path: '/repos/a/auth', message: expect.stringContaining('set token or tokenEnv') },
    ]);
  });

  it('unset tokenEnv names the variable', () => {
    expect(problems({ repos: { a: repo({ auth: { tokenEnv: 'GIT_TOKEN' } }) } })).toEqual([
      { path: '/repos/a/auth/tokenEnv', message: expect.stringContaining('GIT_TOKEN is not set') },
    ]);
  });
});

describe('server-wide credentials', () => {
  it('admin, readAuth and triggerToken resolve from literals and env', () => {
    const s = load(
      { admin: { passwordEnv: 'ADMIN_PW', tokenEnv: 'ADMIN_TOKEN' }, readAuth: { username: 'viewer', passwordEnv: 'READ_PW' }, triggerTokenEnv: 'TRIG', repos: {} },
      { ADMIN_PW: 'apw', ADMIN_TOKEN: 'atok', READ_PW: 'rpw', TRIG: 'trig' },
    );
    expect(s.admin).toEqual({ username: 'admin', password: 'apw', token: 'atok' });
    expect(s.readAuth).toEqual({ username: 'viewer', password: 'rpw' });
    expect(s.triggerToken).toBe('trig');
    expect(s.secretEnvNames).toEqual(['ADMIN_PW', 'ADMIN_TOKEN', 'READ_PW', 'TRIG']);
  });

  it('admin without password or token, readAuth without password or username are errors', () => {
    expect(problems({ admin: { username: 'root' }, readAuth: { password: 'x' } })).toEqual(
      expect.arrayContaining([
        { path: '/readAuth/username', message: 'is required but missing' },
        { path: '/admin', message: expect.stringContaining('needs a password') },
      ]),
    );
    expect(problems({ readAuth: { username: 'v' } })).toEqual([{ path: '/readAuth', message: expect.stringContaining('needs password or passwordEnv') }]);
  });

  it('an empty trigger token is an error', () => {
    expect(problems({ triggerToken: '' })).toEqual([{ path: '/triggerToken', message: expect.stringContaining('is empty') }]);
  });
});

describe('allSecretEnvNames / allSecretValues', () => {
  it('list every variable name read and every resolved secret, for the script runner to strip', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'f'), 'file-secret\n');
    const s = load(
      {
        repos: {
          a: { url, secretEnv: 'A_SECRET', auth: { usernameEnv: 'A_USER', tokenEnv: 'A_TOKEN' } },
          b: { url: url + 'b', secretFile: 'f', auth: { username: 'bot', token: 'b-token' } },
          c: { url: url + 'c', insecure: true },
        },
        admin: { password: 'admin-pw', tokenEnv: 'ADMIN_TOKEN' },
        readAuth: { username: 'r', password: 'read-pw' },
        triggerToken: 'trig',
      },
      { A_SECRET: 'a-secret', A_USER: 'deployer', A_TOKEN: 'a-token', ADMIN_TOKEN: 'admin-token' },
      dir,
    );
    expect(allSecretEnvNames(s)).toEqual(['ADMIN_TOKEN', 'A_SECRET', 'A_TOKEN', 'A_USER']);
    expect(allSecretValues(s).sort()).toEqual(['a-secret', 'a-token', 'admin-pw', 'admin-token', 'b-token', 'file-secret', 'read-pw', 'trig']);
  });
});
