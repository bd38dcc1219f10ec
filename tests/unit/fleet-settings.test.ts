import fs from 'node:fs';
import path from 'node:path';
import { IntegralGitError } from '../../lib/errors';
import { settingsFromObject } from '../../lib/settings/load-settings';
import { removeTempDirs, repo, tempDir } from '../fixtures/settings/write-settings';

afterAll(removeTempDirs);

type P = { path: string; message: string };

function load(raw: Record<string, unknown>, baseDir = '/etc/integralgit') {
  return settingsFromObject({ hostname: 'web1', ...raw }, { file: '<test>', baseDir, env: {}, detectGit: () => ({ found: true }) });
}

function problems(raw: Record<string, unknown>, baseDir?: string): P[] {
  try {
    load(raw, baseDir);
  } catch (err) {
    expect((err as IntegralGitError).code).toBe('IG_SETTINGS_INVALID');
    return (err as IntegralGitError).data.problems as P[];
  }
  throw new Error('expected IG_SETTINGS_INVALID');
}

describe('fleet settings (SPEC §11)', () => {
  it('without `fleet` the server works alone', () => {
    expect(load({}).fleet).toBeUndefined();
  });

  it('defaults the stream to INTEGRALGIT and keeps the servers', () => {
    expect(load({ fleet: { nats: { servers: ['nats://10.0.0.5:4222', 'tls://nats.example.com:4222'] } } }).fleet).toEqual({
      servers: ['nats://10.0.0.5:4222', 'tls://nats.example.com:4222'],
      stream: 'INTEGRALGIT',
    });
  });

  it('resolves credsFile and TLS files against the settings folder and checks they can be read', () => {
    const dir = tempDir();
    for (const f of ['fleet.creds', 'ca.pem', 'cert.pem', 'key.pem']) fs.writeFileSync(path.join(dir, f), 'x');
    const s = load({ fleet: { nats: { servers: ['nats://127.0.0.1:4222'], credsFile: 'fleet.creds', tls: { caFile: 'ca.pem', certFile: 'cert.pem', keyFile: 'key.pem' } }, stream: 'DEPLOYS' } }, dir);
    expect(s.fleet).toEqual({
      servers: ['nats://127.0.0.1:4222'],
      credsFile: path.join(dir, 'fleet.creds'),
      tls: { caFile: path.join(dir, 'ca.pem'), certFile: path.join(dir, 'cert.pem'), keyFile: path.join(dir, 'key.pem') },
      stream: 'DEPLOYS',
    });
    expect(problems({ fleet: { nats: { servers: ['nats://127.0.0.1:4222'], credsFile: 'missing.creds' } } }, dir)).toEqual([
      { path: '/fleet/nats/credsFile', message: `${path.join(dir, 'missing.creds')} does not exist` },
    ]);
  });

  it('lists every problem: no servers, a bad address, a bad stream name, a certificate without its key', () => {
    expect(problems({ fleet: { nats: { servers: [] } } }).map((p) => p.path)).toEqual(['/fleet/nats/servers']);
    expect(problems({ fleet: { nats: {} } }).map((p) => p.path)).toEqual(['/fleet/nats/servers']);
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'cert.pem'), 'x');
    const found = problems({ fleet: { nats: { servers: ['http://a b'], tls: { certFile: 'cert.pem' } }, stream: 'my.stream' } }, dir);
    expect(found.map((p) => p.path).sort()).toEqual(['/fleet/nats/servers/0', '/fleet/nats/tls', '/fleet/stream']);
    expect(found.find((p) => p.path === '/fleet/nats/tls')?.message).toMatch(/certFile and keyFile go together/);
  });

  it('an unknown key is an error with a hint', () => {
    const found = problems({ fleet: { nats: { servers: ['nats://127.0.0.1:4222'] }, streams: 'X' } });
    expect(found[0].path).toBe('/fleet/streams');
    expect(found[0].message).toMatch(/stream/);
  });

  it('names that go on the bus must fit it: no dot in a repo name, no repo named hosts, a key-safe hostname', () => {
    const fleet = { nats: { servers: ['nats://127.0.0.1:4222'] } };
    expect(problems({ fleet, repos: { 'my.app': repo(), hosts: repo({ url: 'https://git.example.com/acme/hosts.git' }) } }).map((p) => p.path).sort()).toEqual(['/repos/hosts', '/repos/my.app']);
    expect(problems({ fleet, hostname: 'web 1' })[0]).toMatchObject({ path: '/hostname' });
    // an FQDN is fine (the key is <repo>.<host>; repo names hold no dot)
    expect(load({ fleet, hostname: 'web1.example.com' }).fleet).toBeDefined();
    // without fleet a dotted repo name stays allowed
    expect(load({ repos: { 'my.app': repo() } }).repos['my.app']).toBeDefined();
  });

  it('"fleet" is a reserved repo name (the /fleet page)', () => {
    expect(problems({ repos: { fleet: repo() } })[0]).toMatchObject({ path: '/repos/fleet' });
  });
});
