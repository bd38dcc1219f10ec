import fs from 'node:fs';
import path from 'node:path';
import { IntegralGitError } from '../../lib/errors';
import { loadSettings, settingsFromObject } from '../../lib/settings/load-settings';
import { FIXTURES, removeTempDirs, repo, tempDir, writeSettings } from '../fixtures/settings/write-settings';

afterAll(removeTempDirs);

const noEnv = {};

function problemsOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(IntegralGitError);
    expect((err as IntegralGitError).code).toBe('IG_SETTINGS_INVALID');
    return (err as IntegralGitError).data.problems as { path: string; message: string }[];
  }
  throw new Error('expected IG_SETTINGS_INVALID');
}

function errorOf(fn: () => unknown): IntegralGitError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(IntegralGitError);
    return err as IntegralGitError;
  }
  throw new Error('expected an error');
}

describe('loadSettings: formats', () => {
  it('reads JSON', () => {
    const file = writeSettings({ repos: { app: repo() } });
    const s = loadSettings(file, {}, noEnv);
    expect(s.file).toBe(file);
    expect(s.repos.app).toMatchObject({ name: 'app', url: 'https://git.example.com/acme/app.git', secret: 'sekrit', insecure: false });
  });

  it('reads YAML from .yaml and .yml', () => {
    const yaml = 'repos:\n  app:\n    url: https://git.example.com/acme/app.git\n    secret: sekrit\nlisten:\n  port: 9000\n';
    for (const name of ['settings.yaml', 'settings.yml']) {
      const s = loadSettings(writeSettings(yaml, name), {}, noEnv);
      expect(s.repos.app.secret).toBe('sekrit');
      expect(s.listen).toEqual({ host: '0.0.0.0', port: 9000 });
    }
  });

  it('accepts a UTF-8 byte order mark', () => {
    const s = loadSettings(writeSettings('\uFEFF' + JSON.stringify({ repos: { app: repo() } })), {}, noEnv);
    expect(Object.keys(s.repos)).toEqual(['app']);
  });

  it('says where JSON stops being JSON, with line and column, without quoting the text', () => {
    const file = writeSettings('{\n  "repos": {\n    "app": { "secret": hunter2 }\n  }\n}\n');
    const err = errorOf(() => loadSettings(file, {}, noEnv));
    expect(err.code).toBe('IG_SETTINGS_INVALID');
    expect(err.message).toContain(`settings file ${file} is invalid:`);
    expect(err.message).toContain('line 3, column 24');
    expect(err.message).not.toContain('hunter2');
  });

  it.each([
    ['{"a": 1,}', 'line 1, column 9', 'trailing comma'],
    ['{\n"a": 1\n"b": 2}', 'line 3, column 1', 'unexpected character'],
    ['{"a": [1, 2', 'line 1, column 12', 'end of file'],
    ["{'a': 1}", 'line 1, column 2', 'single quote'],
  ])('JSON syntax error in %j → %s', (text, where, what) => {
    const err = errorOf(() => loadSettings(writeSettings(text), {}, noEnv));
    expect(err.message).toContain(where);
    expect(err.message).toContain(what);
  });

  it('gives the line and column of a YAML error, without quoting the line', () => {
    const file = writeSettings('repos:\n  app:\n    url: https://x/y.git\n    secret: "hunter2\n', 'settings.yaml');
    const err = errorOf(() => loadSettings(file, {}, noEnv));
    expect(err.message).toMatch(/is not valid YAML: .*at line \d+, column \d+/);
    expect(err.message).not.toContain('hunter2');
  });

  it('refuses duplicate YAML keys', () => {
    const err = errorOf(() => loadSettings(writeSettings('dataDir: a\ndataDir: b\n', 'settings.yml'), {}, noEnv));
    expect(err.message).toMatch(/unique.*line 2, column 1/);
  });

  it('reports a missing file with what to do', () => {
    const file = path.join(tempDir(), 'nope.json');
    const err = errorOf(() => loadSettings(file, {}, noEnv));
    expect(err.code).toBe('IG_SETTINGS_INVALID');
    expect(err.message).toBe(`settings file ${file} not found; pass --settings or create it (see docs/reference/settings.md)`);
  });

  it('reports a directory and an empty file clearly', () => {
    const dir = tempDir();
    expect(errorOf(() => loadSettings(dir, {}, noEnv)).message).toContain('is a directory');
    expect(errorOf(() => loadSettings(writeSettings(''), {}, noEnv)).message).toContain('the file is empty');
  });

  it('resolves a relative settings path to an absolute one', () => {
    const file = writeSettings({ repos: { app: repo() } });
    const rel = path.relative(process.cwd(), file);
    expect(loadSettings(rel, {}, noEnv).file).toBe(file);
  });
});

describe('loadSettings: hostile input is a clear error, never a crash', () => {
  it('a top-level array', () => {
    const problems = problemsOf(() => loadSettings(path.join(FIXTURES, 'top-level-array.json'), {}, noEnv));
    expect(problems).toEqual([{ path: '', message: 'must be an object' }]);
  });

  it.each(['null', '42', '"text"'])('a top-level %s', (text) => {
    expect(problemsOf(() => loadSettings(writeSettings(text), {}, noEnv))).toEqual([{ path: '', message: 'must be an object' }]);
  });

  it('__proto__ keys are unknown keys or bad repo names, and pollute nothing', () => {
    const problems = problemsOf(() => loadSettings(path.join(FIXTURES, 'evil-proto.json'), {}, noEnv));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/__proto__', message: expect.stringContaining('unknown key "__proto__"') }),
        expect.objectContaining({ path: '/repos/__proto__', message: expect.stringContaining('not URL-safe') }),
        expect.objectContaining({ path: '/repos/constructor/__proto__', message: expect.stringContaining('unknown key') }),
      ]),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).insecure).toBeUndefined();
  });

  it('__proto__ in YAML pollutes nothing either', () => {
    const problems = problemsOf(() => loadSettings(writeSettings('__proto__:\n  polluted: true\n', 'settings.yaml'), {}, noEnv));
    expect(problems[0]).toMatchObject({ path: '/__proto__' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('repo names such as "constructor" never resolve to Object.prototype members', () => {
    const s = loadSettings(writeSettings({ repos: { app: repo() } }), {}, noEnv);
    expect(s.repos['constructor']).toBeUndefined();
    expect(s.repos['toString']).toBeUndefined();
  });

  it('a 10 MB file is refused before it is read', () => {
    const file = writeSettings('{"dataDir": "' + 'x'.repeat(10 * 1024 * 1024) + '"}');
    expect(errorOf(() => loadSettings(file, {}, noEnv)).message).toMatch(/is \d+ bytes; a settings file is at most 1048576 bytes/);
  });

  it('deeply nested JSON junk', () => {
    const depth = 100_000;
    const file = writeSettings('{"listen": ' + '['.repeat(depth) + ']'.repeat(depth) + '}');
    expect(problemsOf(() => loadSettings(file, {}, noEnv))).toEqual([{ path: '/listen', message: 'must be an object' }]);
    const broken = writeSettings('{"listen": ' + '['.repeat(depth) + '}');
    expect(errorOf(() => loadSettings(broken, {}, noEnv)).message).toContain('is not valid JSON');
  });

  it('deeply nested YAML junk', () => {
    const depth = 100_000;
    const file = writeSettings('listen: ' + '['.repeat(depth) + ']'.repeat(depth) + '\n', 'settings.yaml');
    const err = errorOf(() => loadSettings(file, {}, noEnv));
    expect(err.code).toBe('IG_SETTINGS_INVALID');
    expect(err.message).toContain('nested too deeply');
  });

  it('YAML alias bombs', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 9; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill('*' + String.fromCharCode(97 + i)).join(',')}]`);
    const err = errorOf(() => loadSettings(writeSettings(lines.join('\n') + '\n', 'settings.yaml'), {}, noEnv));
    expect(err.code).toBe('IG_SETTINGS_INVALID');
    expect(err.message).toMatch(/alias/i);
  });

  it('a megabyte-long unknown key is clipped in the message', () => {
    const key = 'k'.repeat(500_000);
    const err = errorOf(() => loadSettings(writeSettings(`{"${key}": 1}`), {}, noEnv));
    expect(err.message.length).toBeLessThan(1000);
  });

  it('thousands of problems: all in data.problems, the message lists 50 and counts the rest', () => {
    const raw: Record<string, number> = {};
    for (let i = 0; i < 3000; i++) raw[`junk${i}`] = i;
    const err = errorOf(() => loadSettings(writeSettings(raw), {}, noEnv));
    expect((err.data.problems as unknown[]).length).toBe(3000);
    expect(err.message).toContain('… and 2950 more problems');
  });
});

describe('every problem at once', () => {
  it('a file with four different errors yields four problems with their paths', () => {
    const file = path.join(FIXTURES, 'four-problems.json');
    const err = errorOf(() => loadSettings(file, {}, noEnv));
    const problems = err.data.problems as { path: string; message: string }[];
    expect(problems.map((p) => p.path).sort()).toEqual(['/listen/port', '/repo', '/repos/api', '/trustProxy']);
    expect(problems.find((p) => p.path === '/repo')?.message).toBe('unknown key "repo"; did you mean "repos"?');
    expect(problems.find((p) => p.path === '/listen/port')?.message).toBe('must be <= 65535');
    expect(problems.find((p) => p.path === '/trustProxy')?.message).toMatch(/`true` is refused because/);
    expect(problems.find((p) => p.path === '/repos/api')?.message).toMatch(/collides with the server's route \/api/);
    expect(err.message.split('\n')).toEqual([
      `settings file ${file} is invalid:`,
      ...problems.map((p) => `  - ${p.path}: ${p.message}`),
    ]);
  });

  it.each([
    [{ repo: {} }, '/repo', 'repos'],
    [{ allowedRoot: ['/srv'] }, '/allowedRoot', 'allowedRoots'],
    [{ repos: { app: repo({ secretenv: 'X' }) } }, '/repos/app/secretenv', 'secretEnv'],
    [{ repos: { app: repo({ auth: { tokenenv: 'X' } }) } }, '/repos/app/auth/tokenenv', 'tokenEnv'],
    [{ listen: { prot: 80 } }, '/listen/prot', 'port'],
    [{ datadir: '/x' }, '/datadir', 'dataDir'],
  ])('unknown key in %j → did you mean', (raw, at, suggestion) => {
    const problems = problemsOf(() => settingsFromObject(raw, { file: '<test>', baseDir: '/tmp', env: noEnv }));
    expect(problems).toContainEqual({ path: at, message: expect.stringContaining(`did you mean "${suggestion}"?`) });
  });

  it('wrong types name the expected type', () => {
    const problems = problemsOf(() =>
      settingsFromObject({ dataDir: 5, repos: { app: repo({ pollInterval: -1, insecure: 'yes' }) }, git: 'libgit2' }, { file: '<t>', baseDir: '/tmp', env: noEnv }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '/dataDir', message: 'must be a string' },
        { path: '/repos/app/pollInterval', message: 'must be >= 0' },
        { path: '/repos/app/insecure', message: 'must be a boolean' },
        { path: '/git', message: 'must be one of "native", "isomorphic"' },
      ]),
    );
  });

  it('a repo without url is reported once, not also as a bad url', () => {
    const problems = problemsOf(() => settingsFromObject({ repos: { app: { secret: 'x' } } }, { file: '<t>', baseDir: '/tmp', env: noEnv }));
    expect(problems).toEqual([{ path: '/repos/app/url', message: 'is required but missing' }]);
  });
});

describe('settingsFromObject', () => {
  it('resolves relative paths against baseDir and names the source in messages', () => {
    const s = settingsFromObject({ dataDir: 'd', repos: { app: repo() } }, { file: '<embedded>', baseDir: '/opt/demo', env: noEnv });
    expect(s.file).toBe('<embedded>');
    expect(s.dataDir).toBe('/opt/demo/d');
    const err = errorOf(() => settingsFromObject({ nope: 1 }, { file: '<embedded>', baseDir: '/opt/demo', env: noEnv }));
    expect(err.message.startsWith('settings file <embedded> is invalid:')).toBe(true);
  });
});

describe('the SPEC §2 example', () => {
  it('loads, with its env vars set and its files present', () => {
    const dir = tempDir();
    const secretFile = path.join(dir, 'internal');
    const keyFile = path.join(dir, 'deploy_key');
    fs.writeFileSync(secretFile, 'internal-secret\n');
    fs.writeFileSync(keyFile, 'KEY');
    // the example's absolute paths live on a real host; point them at temp files
    const text = fs
      .readFileSync(path.join(FIXTURES, 'settings.example.json'), 'utf8')
      .replace('/run/credentials/integralgit.service/internal', secretFile)
      .replace('/etc/integralgit/deploy_key', keyFile);
    const file = writeSettings(text, 'settings.json', dir);
    const env = { MYAPP_WEBHOOK_SECRET: 'from-env', GIT_USER: 'deploy', GIT_TOKEN: 'tok' };
    const s = loadSettings(file, {}, env);
    expect(s).toMatchObject({
      listen: { host: '0.0.0.0', port: 8080 },
      dataDir: path.join(dir, 'data'),
      hostname: 'web1',
      hostnameSource: 'file',
      allowedRoots: ['/srv/www'],
      trustedNetworks: [],
      trustProxy: false,
      basePath: '',
      bodyLimit: 25 * 1024 * 1024,
      deliveriesLimit: 1000,
      logFormat: 'text',
    });
    expect(s.repos.myapp).toEqual({
      name: 'myapp',
      url: 'https://github.com/acme/myapp.git',
      secret: 'from-env',
      insecure: false,
      auth: { username: 'deploy', token: 'tok' },
      pollInterval: 300,
      secretEnvNames: ['MYAPP_WEBHOOK_SECRET', 'GIT_USER', 'GIT_TOKEN'],
      retention: { deployments: 5000, deliveries: 10000 },
    });
    expect(s.repos.internal).toEqual({
      name: 'internal',
      url: 'git@git.example.com:ops/internal.git',
      secret: 'internal-secret',
      insecure: false,
      sshKeyFile: keyFile,
      pollInterval: 0,
      secretEnvNames: [],
      retention: { deployments: 5000, deliveries: 10000 },
    });
    // secret and secretEnv are both set in the example: allowed, secretEnv wins, with a warning
    expect(s.warnings).toContainEqual(expect.stringContaining('repos.myapp: secret, secretEnv are both set; using secretEnv'));
  });

  it('loads in YAML as well', () => {
    const dir = tempDir();
    fs.copyFileSync(path.join(FIXTURES, 'settings.example.yaml'), path.join(dir, 'settings.yaml'));
    fs.writeFileSync(path.join(dir, 'internal.secret'), 'internal-secret\n');
    fs.writeFileSync(path.join(dir, 'deploy_key'), 'KEY');
    const s = loadSettings(path.join(dir, 'settings.yaml'), {}, { MYAPP_WEBHOOK_SECRET: 'e', GIT_USER: 'u', GIT_TOKEN: 't' });
    expect(s.repos.internal.secret).toBe('internal-secret');
    expect(s.repos.internal.sshKeyFile).toBe(path.join(dir, 'deploy_key'));
    expect(s.repos.myapp.secret).toBe('e');
    expect(s.warnings).toEqual([]);
  });
});

describe('docs/reference/settings.md', () => {
  it('its JSON and YAML examples say the same thing and load', () => {
    const doc = fs.readFileSync(path.join(__dirname, '../../docs/reference/settings.md'), 'utf8');
    const block = (lang: string) => new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(doc)?.[1] ?? '';
    const dir = tempDir();
    const secretFile = path.join(dir, 'internal');
    const keyFile = path.join(dir, 'deploy_key');
    fs.writeFileSync(secretFile, 'x\n');
    fs.writeFileSync(keyFile, 'KEY');
    const localise = (t: string) => t.replace('/run/credentials/integralgit.service/internal', secretFile).replace('/etc/integralgit/deploy_key', keyFile);
    const env = { MYAPP_WEBHOOK_SECRET: 'm', GIT_USER: 'u', GIT_TOKEN: 't', IG_READ_PASSWORD: 'r' };
    const fromJson = loadSettings(writeSettings(localise(block('json')), 'settings.json', dir), {}, env);
    const fromYaml = loadSettings(writeSettings(localise(block('yaml')), 'settings.yaml', dir), {}, env);
    expect({ ...fromYaml, file: '' }).toEqual({ ...fromJson, file: '' });
    expect(fromJson.basePath).toBe('/deploy');
  });
});
