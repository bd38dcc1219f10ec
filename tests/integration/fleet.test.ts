import fs from 'node:fs';
import path from 'node:path';
import { githubHeaders, githubPushPayload } from '../../lib/demo/github-push';
import { GitFixture, makeTempDir, type FixtureRepo } from '../helpers/git-fixture';
import { NatsServer } from '../helpers/nats-server';
import { ServeProcess } from '../helpers/serve-process';
import { runCli } from '../helpers/run-cli';
import { postRetryingStale } from '../helpers/post-retrying-stale';

/**
 * SPEC §11 on real parts: a real nats-server -js, three real `integralgit serve` processes
 * (web1, web2, web3: own data dirs and deployment roots), one repository over git HTTP.
 * Only web1 gets webhooks; the others deploy through the bus.
 */

const SECRET = 'fleet-secret-1';
jest.setTimeout(180_000);

interface Deployments {
  deployments: Array<{ id: number; status: string; commit: string | null; trigger: string; errorCode: string | null; error: string | null; startedAt: string | null; finishedAt: string | null }>;
}
interface Delivery {
  outcome: string;
  reason: string | null;
  deliveryId: string | null;
}

let nats: NatsServer;
let fx: GitFixture;
let repo: FixtureRepo;
let root: string;
const hosts: Record<string, ServeProcess> = {};

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function settingsFor(host: string): Record<string, unknown> {
  const deployRoot = path.join(root, host, 'deployments');
  fs.mkdirSync(deployRoot, { recursive: true });
  return {
    hostname: host,
    allowedRoots: [deployRoot],
    repos: { app: { url: repo.url, secret: SECRET } },
    fleet: { nats: { servers: [nats.url] } },
  };
}

async function startHost(host: string): Promise<ServeProcess> {
  hosts[host] = await ServeProcess.start(path.join(root, host), settingsFor(host));
  return hosts[host];
}

/** The deployment of `commit` on a host, once it has succeeded. */
function deployedOn(host: string, commit: string, timeoutMs?: number) {
  return until(
    `${host} to deploy ${commit.slice(0, 8)}`,
    async () => {
      const { body } = await hosts[host].getJson<Deployments>('/api/repos/app');
      return body.deployments.find((d) => d.commit === commit && d.status === 'succeeded');
    },
    timeoutMs,
  );
}

async function pushTo(host: string, message: string, deliveryId: string): Promise<{ sha: string; status: number }> {
  const sha = repo.commit({ 'n.txt': message }, message);
  const body = githubPushPayload({
    cloneUrl: repo.url,
    ref: 'refs/heads/master',
    before: '0'.repeat(40),
    after: sha,
    commits: [{ id: sha, message, authorName: 'A', authorEmail: 'a@example.com', timestamp: new Date().toISOString() }],
  });
  const res = await postRetryingStale(`${hosts[host].url}/update`, body, githubHeaders(body, SECRET, 'push', deliveryId));
  await res.arrayBuffer();
  return { sha, status: res.status };
}

async function deliveries(host: string): Promise<Delivery[]> {
  return (await hosts[host].getJson<{ items: Delivery[] }>('/api/deliveries')).body.items;
}

beforeAll(async () => {
  root = makeTempDir('ig-fleet-');
  nats = await NatsServer.start();
  fx = await GitFixture.create();
  repo = fx.createRepo('app', { 'README.md': '# app\n', 'deploy.sh': '#!/bin/sh\necho "deployed $INTEGRALGIT_COMMIT on $INTEGRALGIT_HOST"\n' });
  repo.makeExecutable(['deploy.sh']);
  // each host deploys into its own root: the location comes from a per-host layer
  repo.writeConfig({
    configs: {
      base: { script: './deploy.sh', branch: 'master' },
      web1: { location: path.join(root, 'web1', 'deployments', 'app') },
      web2: { location: path.join(root, 'web2', 'deployments', 'app') },
      web3: { location: path.join(root, 'web3', 'deployments', 'app') },
    },
  });
  await Promise.all(['web1', 'web2', 'web3'].map(startHost));
  // every host has joined (its consumer exists) before the first webhook
  await until('three heartbeats', async () => {
    const { body } = await hosts.web1.getJson<{ hosts: Array<{ name: string; online: boolean }> }>('/api/fleet');
    return body.hosts.filter((h) => h.online).length === 3 ? true : undefined;
  });
});

afterAll(async () => {
  await Promise.all(Object.values(hosts).map((h) => h.stop('SIGKILL')));
  await nats?.close();
  await fx?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('one webhook, every host', () => {
  it('a push delivered to web1 is deployed on web1, web2 and web3; the others log it via fleet from web1', async () => {
    const { sha, status } = await pushTo('web1', 'first fleet push', 'fleet-d1');
    expect(status).toBe(202);
    await Promise.all(['web1', 'web2', 'web3'].map((h) => deployedOn(h, sha)));

    const web2 = await deliveries('web2');
    const viaFleet = web2.filter((d) => d.deliveryId === 'fleet-d1');
    expect(viaFleet).toHaveLength(1);
    expect(viaFleet[0]).toMatchObject({ outcome: 'accepted' });
    expect(viaFleet[0].reason).toMatch(/^via fleet from web1: /);
    // the publishing host does not ingest its own delivery a second time
    const web1 = (await deliveries('web1')).filter((d) => d.deliveryId === 'fleet-d1');
    expect(web1).toHaveLength(1);
    expect(web1[0].reason).not.toMatch(/via fleet/);
  });

  it('GET /api/fleet and /fleet show every host × repo from any host; /healthz says connected', async () => {
    const sha = repo.head('refs/heads/master');
    const view = await until('web3 to see three states', async () => {
      const { body } = await hosts.web3.getJson<{ hosts: Array<{ name: string; online: boolean; lastSeen: string }>; repos: Array<{ name: string; hosts: Record<string, { commit: string; status: string; health: string }> }> }>('/api/fleet');
      const app = body.repos.find((r) => r.name === 'app');
      return app && Object.values(app.hosts).filter((c) => c.commit === sha).length === 3 ? body : undefined;
    });
    expect(view.hosts.map((h) => h.name)).toEqual(['web1', 'web2', 'web3']);
    expect(view.hosts.every((h) => h.online && typeof h.lastSeen === 'string')).toBe(true);
    expect(view.repos[0].hosts.web2).toMatchObject({ commit: sha, status: 'succeeded', health: 'none' });
    expect(Object.keys(view.repos[0].hosts.web2).sort()).toEqual(['commit', 'deploymentId', 'finishedAt', 'health', 'status', 'url']);

    const page = await fetch(`${hosts.web2.url}/fleet`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('web1');
    expect(html).toContain('web3');
    expect(html).toContain('3</strong> of 3 hosts online');

    const health = await hosts.web1.getJson('/healthz');
    expect(health.body).toMatchObject({ status: 'ok', fleet: 'connected' });
  });

  it('integralgit fleet prints the same matrix', async () => {
    const res = await runCli(['--settings', hosts.web1.settingsFile, 'fleet']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/web1\s+online/);
    expect(res.stdout).toMatch(/app\s+web3\s+[0-9a-f]{12}\s+succeeded/);
    expect(res.stdout).toContain('3/3 hosts online');
    const json = await runCli(['--settings', hosts.web1.settingsFile, 'fleet', '--json']);
    expect(JSON.parse(json.stdout).hosts).toHaveLength(3);
  });
});

describe('the bus down, a host down', () => {
  it('with the bus killed, web1 still accepts and deploys; web2 gets the push once the bus is back', async () => {
    await nats.kill();
    await until('web1 to notice', async () => ((await hosts.web1.getJson('/healthz')).body.fleet === 'disconnected' ? true : undefined));
    const { sha, status } = await pushTo('web1', 'pushed while the bus is down', 'fleet-d2');
    expect(status).toBe(202);
    await deployedOn('web1', sha);
    expect((await hosts.web1.getJson('/healthz')).status).toBe(200);
    expect((await hosts.web1.getJson('/api/fleet')).status).toBe(503);

    await nats.start();
    await until('web1 to reconnect', async () => ((await hosts.web1.getJson('/healthz')).body.fleet === 'connected' ? true : undefined));
    await Promise.all([deployedOn('web2', sha), deployedOn('web3', sha)]);
  });

  it('the accepting host killed right after its 202 with the bus down: the delivery is published when it is back', async () => {
    await nats.kill();
    await until('web1 to notice', async () => ((await hosts.web1.getJson('/healthz')).body.fleet === 'disconnected' ? true : undefined));
    const { sha, status } = await pushTo('web1', 'accepted, then the host died', 'fleet-d5');
    expect(status).toBe(202);
    await hosts.web1.stop('SIGKILL');
    await nats.start();
    await hosts.web1.start();
    await Promise.all([deployedOn('web2', sha), deployedOn('web3', sha)]);
  });

  it('a host that was down catches up: the pushes it missed become one deployment of the newest head', async () => {
    const before = (await fetchDeployments()).length;
    await hosts.web3.stop('SIGKILL');
    const a = await pushTo('web1', 'missed one', 'fleet-d3');
    const b = await pushTo('web1', 'missed two', 'fleet-d4');
    expect([a.status, b.status]).toEqual([202, 202]);
    await deployedOn('web2', b.sha);

    await hosts.web3.start();
    await deployedOn('web3', b.sha);
    const after = await fetchDeployments();
    // one deployment for both missed pushes, of the newest head
    expect(after.length - before).toBe(1);
    expect(after[0].commit).toBe(b.sha);
    const seen = (await deliveries('web3')).filter((d) => d.deliveryId === 'fleet-d3' || d.deliveryId === 'fleet-d4');
    expect(seen).toHaveLength(2);
  });
});

describe('rollout in waves', () => {
  const waves = (script: string) => {
    repo.commit({ 'deploy.sh': script }, 'change the deploy script'); // the file keeps its executable bit
    repo.writeConfig({
      hostgroups: { canary: ['web1'] },
      rollout: ['canary', '*'],
      rolloutTimeout: 60,
      configs: {
        base: { script: './deploy.sh', branch: 'master' },
        web1: { location: path.join(root, 'web1', 'deployments', 'app') },
        web2: { location: path.join(root, 'web2', 'deployments', 'app') },
        web3: { location: path.join(root, 'web3', 'deployments', 'app') },
      },
    });
  };

  it('the * wave starts a commit only after the canary wave deployed it', async () => {
    // the canary is slow: the later wave must wait for it, not race it
    waves('#!/bin/sh\nif [ "$INTEGRALGIT_HOST" = web1 ]; then sleep 3; fi\necho "deployed $INTEGRALGIT_COMMIT"\n');
    const { sha } = await pushTo('web1', 'rollout one', 'fleet-r1');
    const [canary, later] = await Promise.all([deployedOn('web1', sha), deployedOn('web2', sha, 60_000)]);
    expect(Date.parse(later.startedAt!)).toBeLessThan(Date.parse(canary.finishedAt!)); // it started, then waited
    const detail = await hosts.web2.getJson<{ log: string; steps?: string[] }>(`/api/repos/app/deployments/${later.id}`);
    expect(JSON.stringify(detail.body)).toMatch(/rollout wave 2 \(\*\): waiting for web1/);
    expect(JSON.stringify(detail.body)).toMatch(/earlier waves done: web1 deployed/);
  });

  it('a failed canary stops the later waves for that commit: IG_ROLLOUT_BLOCKED at once, not after the timeout', async () => {
    waves('#!/bin/sh\nif [ "$INTEGRALGIT_HOST" = web1 ]; then echo boom; exit 3; fi\necho ok\n');
    const { sha } = await pushTo('web1', 'rollout two', 'fleet-r2');
    const blocked = await until(
      'web2 to refuse the commit',
      async () => (await hosts.web2.getJson<Deployments>('/api/repos/app')).body.deployments.find((d) => d.commit === sha && d.status === 'failed'),
      50_000,
    );
    expect(blocked.errorCode).toBe('IG_ROLLOUT_BLOCKED');
    expect(blocked.error).toMatch(/host web1 of wave 1 \(canary\) failed commit/);
    const web1 = (await hosts.web1.getJson<Deployments>('/api/repos/app')).body.deployments.find((d) => d.commit === sha);
    expect(web1?.status).toBe('failed');
    // web2 kept the last good commit
    expect(fs.readFileSync(path.join(root, 'web2', 'deployments', 'app', 'deploy.sh'), 'utf8')).toContain('sleep 3');
  });
});

async function fetchDeployments(): Promise<Deployments['deployments']> {
  return (await hosts.web3.getJson<Deployments>('/api/repos/app')).body.deployments.filter((d) => d.status !== 'skipped');
}
