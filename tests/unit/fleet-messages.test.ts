import { decodeDelivery, encodeDelivery } from '../../lib/fleet/delivery-message';
import { durableName, parseKey, stateKey, heartbeatKey, deliverySubject } from '../../lib/fleet/fleet-names';
import { fleetMatrix } from '../../lib/fleet/fleet-matrix';
import type { FleetView } from '../../lib/fleet/read-fleet';

describe('a delivery on the bus', () => {
  const req = {
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-hub-signature-256': 'sha256=abc',
      authorization: `Basic ${Buffer.from('hook:pw').toString('base64')}`,
      host: 'deploy.example.com',
      'content-length': '12',
      'content-encoding': 'gzip',
      'x-forwarded-for': '10.0.0.1',
      'nats-expected-stream': 'OTHER',
      'nats-msg-id': 'forged',
      'integralgit-from-host': 'forged',
    },
    rawBody: Buffer.from('{"ref":"x"}'),
    contentType: 'application/json',
    remoteAddress: '192.0.2.7',
  };

  it('round-trips headers, raw body, the publishing host and the git host address', () => {
    const msg = encodeDelivery(req, 'web1');
    const { fromHost, request } = decodeDelivery(msg);
    expect(fromHost).toBe('web1');
    expect(request.remoteAddress).toBe('192.0.2.7');
    expect(request.rawBody.equals(req.rawBody)).toBe(true);
    expect(request.contentType).toBe('application/json');
    expect(request.basicAuth).toEqual({ username: 'hook', password: 'pw' });
    expect(request.headers).toEqual({
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-hub-signature-256': 'sha256=abc',
      authorization: req.headers.authorization,
    });
  });

  it('a request can never set JetStream headers or pose as another host', () => {
    const msg = encodeDelivery(req, 'web1');
    const keys = [...msg.headers.keys()].map((k) => k.toLowerCase());
    expect(keys.filter((k) => k.startsWith('nats-'))).toEqual([]);
    expect(msg.headers.get('Integralgit-From-Host')).toBe('web1');
  });
});

describe('names on the bus', () => {
  it('subjects, keys and consumer names', () => {
    expect(deliverySubject('app')).toBe('integralgit.delivery.app');
    expect(stateKey('app', 'web1.example.com')).toBe('app.web1.example.com');
    expect(parseKey('app.web1.example.com')).toEqual({ kind: 'state', repo: 'app', host: 'web1.example.com' });
    expect(parseKey(heartbeatKey('web1'))).toEqual({ kind: 'heartbeat', host: 'web1' });
    expect(parseKey('nodot')).toBeUndefined();
    expect(durableName('web1.example.com')).toBe('web1_example_com');
  });
});

describe('the fleet matrix', () => {
  const cell = (commit: string, status: string, finishedAt: string, health = 'none') => ({ commit, status, health, deploymentId: 1, finishedAt, url: null }) as FleetView['repos'][0]['hosts'][string];
  const view: FleetView = {
    hosts: [
      { name: 'a', lastSeen: '2026-01-01T00:00:00Z', online: true },
      { name: 'b', lastSeen: '2026-01-01T00:00:00Z', online: true },
      { name: 'c', lastSeen: null, online: false },
      { name: 'd', lastSeen: '2026-01-01T00:00:00Z', online: true },
    ],
    repos: [
      {
        name: 'app',
        hosts: {
          a: cell('new', 'succeeded', '2026-01-01T00:02:00Z'),
          b: cell('old', 'succeeded', '2026-01-01T00:01:00Z'),
          c: cell('new', 'failed', '2026-01-01T00:03:00Z'),
        },
      },
    ],
  };

  it('judges each cell against the newest commit deployed successfully anywhere', () => {
    const m = fleetMatrix(view);
    expect(m.rows[0].newest).toBe('new');
    expect(m.rows[0].cells.map((c) => c && c.verdict)).toEqual(['current', 'behind', 'failing', null]);
    expect(m.rows[0].cells[2]?.hostOnline).toBe(false);
    expect(m.counts).toEqual({ hosts: 4, offline: 1, behind: 1, failing: 1 });
  });
});
