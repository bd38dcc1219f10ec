import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IntegralGitError } from '../../lib/errors';
import { loadSettings, settingsFromObject } from '../../lib/settings/load-settings';
import { RESERVED_REPO_NAMES } from '../../lib/settings/repo-name';
import { detectGitBinary } from '../../lib/settings/detect-git-binary';
import type { SettingsOverrides } from '../../lib/settings/types';
import { removeTempDirs, repo, writeSettings } from '../fixtures/settings/write-settings';

afterAll(removeTempDirs);

type P = { path: string; message: string };

function load(raw: unknown, opts: { env?: NodeJS.ProcessEnv; overrides?: SettingsOverrides; baseDir?: string; git?: boolean } = {}) {
  return settingsFromObject(raw, {
    file: '<test>',
    baseDir: opts.baseDir ?? '/etc/integralgit',
    env: opts.env ?? {},
    overrides: opts.overrides,
    detectGit: () => ({ found: opts.git ?? true }),
  });
}

function problems(raw: unknown, opts: Parameters<typeof load>[1] = {}): P[] {
  try {
    load(raw, opts);
  } catch (err) {
    expect((err as IntegralGitError).code).toBe('IG_SETTINGS_INVALID');
    return (err as IntegralGitError).data.problems as P[];
  }
  throw new Error('expected IG_SETTINGS_INVALID');
}

describe('defaults and resolution', () => {
  it('fills every default', () => {
    const s = load({});
    expect(s).toMatchObject({
      listen: { host: '0.0.0.0', port: 8080 },
      dataDir: '/etc/integralgit/data',
      allowedRoots: ['/etc/integralgit/data/deployments'],
      git: 'native',
      gitDefaulted: 'native',
      trustedNetworks: [],
      trustProxy: false,
      basePath: '',
      bodyLimit: 25 * 1024 * 1024,
      deliveriesLimit: 1000,
      logFormat: 'text',
      hostname: os.hostname(),
      hostnameSource: 'machine',
    });
    expect(Object.keys(s.repos)).toEqual([]);
    expect(s.admin).toBeUndefined();
    expect(s.readAuth).toBeUndefined();
    expect(s.triggerToken).toBeUndefined();
  });

  it('pollInterval defaults to 0 per repo', () => {
    expect(load({ repos: { app: repo() } }).repos.app.pollInterval).toBe(0);
    expect(load({ repos: { app: repo({ pollInterval: 60 }) } }).repos.app.pollInterval).toBe(60);
  });

  it('relative dataDir and allowedRoots resolve against the settings file folder, normalised', () => {
    const file = writeSettings({ dataDir: 'state/', allowedRoots: ['www/', '/srv//apps/./x/..', '/srv/apps'] });
    const dir = path.dirname(file);
    const s = loadSettings(file, {}, {});
    expect(s.dataDir).toBe(path.join(dir, 'state'));
    expect(s.allowedRoots).toEqual([path.join(dir, 'www'), '/srv/apps']);
  });

  it('allowedRoots defaults to <dataDir>/deployments, following a --data-dir override (relative to the cwd)', () => {
    const s = load({ dataDir: '/var/lib/ig' }, { overrides: { dataDir: 'here' } });
    expect(s.dataDir).toBe(path.resolve('here'));
    expect(s.allowedRoots).toEqual([path.resolve('here', 'deployments')]);
    expect(load({ dataDir: '/var/lib/ig' }).allowedRoots).toEqual(['/var/lib/ig/deployments']);
  });

  it('an empty allowedRoots is refused; "/" is allowed with a warning', () => {
    expect(problems({ allowedRoots: [] })).toEqual([{ path: '/allowedRoots', message: 'must NOT have fewer than 1 items' }]);
    expect(load({ allowedRoots: ['/'] }).warnings).toContainEqual(expect.stringContaining('filesystem root'));
  });

  it('overrides (port, host, dataDir, logFormat) win over the file', () => {
    const s = load({ listen: { host: '127.0.0.1', port: 9000 }, logFormat: 'text' }, { overrides: { port: 0, host: '::', logFormat: 'json' } });
    expect(s.listen).toEqual({ host: '::', port: 0 });
    expect(s.logFormat).toBe('json');
  });

  it('bad overrides are problems named after their flags', () => {
    expect(problems({}, { overrides: { port: 70000, host: ' ', dataDir: '', logFormat: 'xml' as 'json' } })).toEqual([
      { path: '--port', message: 'must be an integer from 0 to 65535' },
      { path: '--host', message: 'must not be empty' },
      { path: '--data-dir', message: 'must not be empty' },
      { path: '--log-format', message: 'must be "text" or "json"' },
    ]);
  });

  it('listen.port must be 0-65535', () => {
    expect(problems({ listen: { port: -1 } })).toEqual([{ path: '/listen/port', message: 'must be >= 0' }]);
    expect(problems({ listen: { port: 65536 } })).toEqual([{ path: '/listen/port', message: 'must be <= 65535' }]);
    expect(problems({ listen: { port: 80.5 } })).toEqual([{ path: '/listen/port', message: 'must be an integer' }]);
  });
});

describe('hostname precedence: flag > env > file > machine', () => {
  const raw = { hostname: 'from-file' };
  const env = { INTEGRALGIT_HOSTNAME: 'from-env' };
  it('flag', () => {
    expect(load(raw, { env, overrides: { hostname: 'from-flag' } })).toMatchObject({ hostname: 'from-flag', hostnameSource: 'flag' });
  });
  it('env', () => {
    expect(load(raw, { env })).toMatchObject({ hostname: 'from-env', hostnameSource: 'env' });
  });
  it('file', () => {
    expect(load(raw)).toMatchObject({ hostname: 'from-file', hostnameSource: 'file' });
  });
  it('machine', () => {
    expect(load({})).toMatchObject({ hostname: os.hostname(), hostnameSource: 'machine' });
  });
  it('empty values count as not given', () => {
    expect(load(raw, { env: { INTEGRALGIT_HOSTNAME: '' }, overrides: { hostname: '' } })).toMatchObject({ hostname: 'from-file', hostnameSource: 'file' });
  });
  it('a hostname with spaces is refused, naming where it came from', () => {
    expect(problems({}, { env: { INTEGRALGIT_HOSTNAME: 'web 1' } })).toEqual([
      { path: 'environment variable INTEGRALGIT_HOSTNAME', message: expect.stringContaining('must not contain spaces') },
    ]);
  });
});

describe('git backend', () => {
  it('defaults to native when a git binary runs, isomorphic with a warning otherwise', () => {
    expect(load({}, { git: true })).toMatchObject({ git: 'native', gitDefaulted: 'native' });
    const s = load({}, { git: false });
    expect(s).toMatchObject({ git: 'isomorphic', gitDefaulted: 'isomorphic-no-git-binary' });
    expect(s.warnings).toContainEqual(expect.stringContaining('no git binary found'));
  });
  it('an explicit value is kept and not marked as defaulted', () => {
    const s = load({ git: 'isomorphic' }, { git: true });
    expect(s.git).toBe('isomorphic');
    expect(s.gitDefaulted).toBeUndefined();
  });
  it('SSH remotes need the native backend', () => {
    expect(problems({ git: 'isomorphic', repos: { app: repo({ url: 'git@host:a/b.git' }) } })).toEqual([
      { path: '/repos/app/url', message: expect.stringContaining('"git" is "isomorphic"') },
    ]);
    expect(problems({ repos: { app: repo({ url: 'ssh://git@host/a/b.git' }) } }, { git: false })).toEqual([
      { path: '/repos/app/url', message: expect.stringContaining('none was found') },
    ]);
  });
  it('detectGitBinary finds the git used by the test suite on PATH, without running it', () => {
    const found = detectGitBinary({ refresh: true });
    expect(found).toMatchObject({ found: true, path: expect.stringMatching(/\/git$/) });
    expect(execFileSync(found.path!, ['--version'], { encoding: 'utf8' })).toMatch(/^git version /);
  });
  it('detectGitBinary reports none when no PATH entry holds an executable git', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-nogit-'));
    fs.writeFileSync(path.join(dir, 'git'), '#!/bin/sh\n', { mode: 0o644 });
    try {
      expect(detectGitBinary({ refresh: true, env: { PATH: `${dir}${path.delimiter}${path.join(dir, 'missing')}` } })).toEqual({ found: false });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      detectGitBinary({ refresh: true });
    }
  });
});

describe('repo names', () => {
  it.each([...RESERVED_REPO_NAMES, 'Update', 'API'])('"%s" collides with a route', (name) => {
    expect(problems({ repos: { [name]: repo() } })).toEqual([{ path: `/repos/${name}`, message: expect.stringContaining('collides with the server') }]);
  });

  it.each(['.', '..', '-x', '_x', 'a b', 'a/b', 'é', 'a?b', 'a%20', ''])('"%s" is not URL-safe', (name) => {
    const found = problems({ repos: { [name]: repo() } });
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/not URL-safe|must not be empty/);
  });

  it('names that differ only by case are refused', () => {
    expect(problems({ repos: { MyApp: repo(), myapp: repo({ url: 'https://x.example/other.git' }) } })).toEqual([
      { path: '/repos/myapp', message: expect.stringContaining('differs from repo "MyApp" only by case') },
    ]);
  });

  it('ordinary names pass', () => {
    const s = load({ repos: { 'my-app': repo(), 'app.v2': repo({ url: 'https://x.example/2.git' }), App_3: repo({ url: 'https://x.example/3.git' }) } });
    expect(Object.keys(s.repos)).toEqual(['my-app', 'app.v2', 'App_3']);
  });

  it('two repos with the same url get a warning', () => {
    const s = load({ repos: { a: repo(), b: repo({ url: 'https://GIT.example.com/acme/app' }) } });
    expect(s.warnings).toContainEqual(expect.stringContaining('same url'));
  });
});

describe('repo urls', () => {
  it.each([
    'https://github.com/acme/app.git',
    'http://127.0.0.1:8123/app.git',
    'ssh://git@github.com/acme/app.git',
    'ssh://git@github.com:2222/acme/app.git',
    'git@github.com:acme/app.git',
    'deploy-host:acme/app.git',
    '/srv/git/app.git',
    'file:///srv/git/app.git',
  ])('%s is accepted', (url) => {
    expect(load({ repos: { app: repo({ url }) } }).repos.app.url).toBe(url);
  });

  it.each([
    ['https://user:tok@github.com/a/b.git', 'embeds credentials'],
    ['https://tok@github.com/a/b.git', 'embeds credentials'],
    ['ssh://git:pw@github.com/a/b.git', 'embeds a password'],
    ['git:pw@github.com:a/b.git', 'embeds a password'],
    ['git://github.com/a/b.git', 'unauthenticated git://'],
    ['ftp://github.com/a/b.git', 'unsupported scheme ftp://'],
    ['file://otherhost/srv/x.git', 'must name a local path'],
    ['relative/path.git', 'must be an https://'],
    [' https://github.com/a/b.git', 'must not contain spaces'],
  ])('%s is refused: %s', (url, why) => {
    const found = problems({ repos: { app: repo({ url }) } });
    expect(found).toEqual([{ path: '/repos/app/url', message: expect.stringContaining(why) }]);
    expect(found[0].message).not.toContain('tok@');
    expect(found[0].message).not.toContain(':pw');
  });

  it('sshKeyFile and knownHostsFile must exist and resolve against the settings folder', () => {
    const file = writeSettings({ repos: { app: repo({ url: 'git@h:a/b.git', sshKeyFile: 'nokey', knownHostsFile: '/nonexistent/known_hosts' }) } });
    try {
      loadSettings(file, {}, {});
      throw new Error('expected an error');
    } catch (err) {
      expect((err as IntegralGitError).data.problems).toEqual([
        { path: '/repos/app/sshKeyFile', message: `file ${path.join(path.dirname(file), 'nokey')} does not exist` },
        { path: '/repos/app/knownHostsFile', message: 'file /nonexistent/known_hosts does not exist' },
      ]);
    }
  });
});

describe('networks', () => {
  it.each(['10.0.0.0/8', '192.168.1.0/24', '127.0.0.1/32', '0.0.0.0/0', '::1/128', 'fd00::/8', '2001:db8::/32', '::ffff:10.0.0.0/104'])('CIDR %s is valid', (cidr) => {
    const s = load({ trustedNetworks: [cidr], repos: { app: repo({ trustedNetworks: [cidr] }) } });
    expect(s.trustedNetworks).toEqual([cidr]);
    expect(s.repos.app.trustedNetworks).toEqual([cidr]);
  });

  it.each([
    ['10.0.0.1', 'is an address, not a network; write 10.0.0.1/32'],
    ['::1', 'write ::1/128'],
    ['10/8', 'not a valid IPv4 CIDR'],
    ['10.0.0.0/33', 'not a valid IPv4 CIDR'],
    ['256.0.0.0/8', 'not a valid IPv4 CIDR'],
    ['fd00::/129', 'not a valid IPv6 CIDR'],
    ['fe80::%eth0/64', 'zone ids'],
    ['fd00:::/8', 'not a valid IPv6 CIDR'],
    ['example.com/24', 'not a valid IPv4 CIDR'],
    ['nonsense', 'is not a CIDR'],
  ])('CIDR %s is refused', (cidr, why) => {
    expect(problems({ trustedNetworks: ['10.0.0.0/8', cidr] })).toEqual([{ path: '/trustedNetworks/1', message: expect.stringContaining(why) }]);
  });

  it('a repo-level list must not be empty (omit it to inherit the server-wide list)', () => {
    expect(problems({ repos: { app: repo({ trustedNetworks: [] }) } })).toEqual([{ path: '/repos/app/trustedNetworks', message: 'must NOT have fewer than 1 items' }]);
    expect(load({ repos: { app: repo() } }).repos.app.trustedNetworks).toBeUndefined();
  });

  it('trustProxy: false, a hop count or proxy CIDRs', () => {
    expect(load({ trustProxy: false }).trustProxy).toBe(false);
    expect(load({ trustProxy: 2 }).trustProxy).toBe(2);
    expect(load({ trustProxy: ['10.0.0.0/8', 'fd00::/8'] }).trustProxy).toEqual(['10.0.0.0/8', 'fd00::/8']);
  });

  it.each([true, 0, -1, 1.5, 'yes', [], {}])('trustProxy %j is refused with the reason', (v) => {
    const found = problems({ trustProxy: v });
    expect(found).toEqual([{ path: '/trustProxy', message: expect.stringContaining('`true` is refused because') }]);
  });

  it('trustProxy CIDRs are checked', () => {
    expect(problems({ trustProxy: ['10.0.0.0/8', '1.2.3.4'] })).toEqual([{ path: '/trustProxy/1', message: expect.stringContaining('write 1.2.3.4/32') }]);
  });
});

describe('basePath, bodyLimit, deliveriesLimit, logFormat', () => {
  it.each(['', '/deploy', '/a/b-c_d.e~f'])('basePath %j is valid', (basePath) => {
    expect(load({ basePath }).basePath).toBe(basePath);
  });

  it.each([
    ['/', 'rather than "/"'],
    ['/deploy/', 'must not end with a slash (write "/deploy")'],
    ['deploy', 'a leading slash'],
    ['/a/../b', 'a leading slash'],
    ['/a b', 'a leading slash'],
  ])('basePath %j is refused', (basePath, why) => {
    expect(problems({ basePath })).toEqual([{ path: '/basePath', message: expect.stringContaining(why) }]);
  });

  it.each([
    [1000, 1000],
    ['25mb', 25 * 1024 * 1024],
    ['1.5 KB', 1536],
    ['512', 512],
    ['1gb', 1024 ** 3],
  ])('bodyLimit %j = %d bytes', (v, bytes) => {
    expect(load({ bodyLimit: v }).bodyLimit).toBe(bytes);
  });

  it.each(['lots', '25 megabytes', '-1mb', '0'])('bodyLimit %j is refused', (v) => {
    expect(problems({ bodyLimit: v })).toEqual([{ path: '/bodyLimit', message: expect.stringContaining('"25mb"') }]);
  });

  it.each([0, 1.5, true])('bodyLimit %j is refused by the schema', (v) => {
    expect(problems({ bodyLimit: v })).toEqual([{ path: '/bodyLimit', message: expect.stringContaining('"25mb"') }]);
  });

  it('deliveriesLimit and logFormat', () => {
    expect(load({ deliveriesLimit: 50, logFormat: 'json' })).toMatchObject({ deliveriesLimit: 50, logFormat: 'json' });
    expect(problems({ deliveriesLimit: 0, logFormat: 'xml' })).toEqual([
      { path: '/deliveriesLimit', message: 'must be >= 1' },
      { path: '/logFormat', message: 'must be one of "text", "json"' },
    ]);
  });
});
