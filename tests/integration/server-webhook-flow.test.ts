import fs from 'node:fs';
import path from 'node:path';
import { ServerHarness, SECRET } from '../helpers/server-harness';
import { githubPushPayload, githubHeaders } from '../../lib/demo/github-push';
import { git } from '../helpers/git-fixture';

describe('pushes through POST /update', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await ServerHarness.start();
  });
  afterAll(() => h.close());

  const deployments = () => h.store.listDeployments('app', { limit: 200 }).items;
  const head = () => git(h.location, ['rev-parse', 'HEAD']);

  it('a duplicate delivery id answers 200 "duplicate" and makes no second job', async () => {
    h.repo.commit({ 'a.txt': '1' }, 'one');
    const first = await h.pushWebhook('master', { deliveryId: 'dup-1' });
    expect(first.status).toBe(202);
    const again = await h.pushWebhook('master', { deliveryId: 'dup-1' });
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    await h.idle();
    expect(h.store.listJobs('app').filter((j) => j.eventId !== null && j.id === (first.body.jobs as number[])[0])).toHaveLength(1);
    expect(h.store.listDeliveries({ limit: 1 }).items[0].outcome).toBe('duplicate');
  });

  it('the same delivery posted twice concurrently makes one job', async () => {
    h.repo.commit({ 'a.txt': '2' }, 'two');
    const jobsBefore = h.store.listJobs('app').length;
    const [a, b] = await Promise.all([h.pushWebhook('master', { deliveryId: 'race-1' }), h.pushWebhook('master', { deliveryId: 'race-1' })]);
    expect([a.status, b.status].sort()).toEqual([200, 202]);
    await h.idle();
    expect(h.store.listJobs('app').length).toBe(jobsBefore + 1);
  });

  it('a legacy form-encoded (payload=) delivery is accepted', async () => {
    const sha = h.repo.commit({ 'a.txt': '3' }, 'three');
    const json = githubPushPayload({
      cloneUrl: h.repo.url,
      ref: 'refs/heads/master',
      before: '0'.repeat(40),
      after: sha,
      commits: [{ id: sha, message: 'three', authorName: 'A', authorEmail: 'a@e', timestamp: new Date().toISOString() }],
    });
    const body = 'payload=' + encodeURIComponent(json);
    const headers = { ...githubHeaders(body, SECRET), 'content-type': 'application/x-www-form-urlencoded' };
    const res = await h.post('/update', body, headers);
    expect(res.status).toBe(202);
    await h.idle();
    expect(head()).toBe(sha);
  });

  it('a branch deletion and a tag push are recorded, not deployed', async () => {
    const before = deployments().length;
    const del = githubPushPayload({ cloneUrl: h.repo.url, ref: 'refs/heads/feature', before: h.repo.head(), after: '0'.repeat(40), commits: [], deleted: true });
    const r1 = await h.post('/update', del, githubHeaders(del, SECRET));
    expect(r1.status).toBe(202);
    expect(r1.body.jobs).toEqual([]);
    const tag = githubPushPayload({ cloneUrl: h.repo.url, ref: 'refs/tags/v1.0', before: '0'.repeat(40), after: h.repo.head(), commits: [], created: true });
    const r2 = await h.post('/update', tag, githubHeaders(tag, SECRET));
    expect(r2.status).toBe(202);
    expect(JSON.stringify(r2.body.refs)).toContain('not deployed');
    await h.idle();
    expect(deployments().length).toBe(before);
    const events = h.store.listPushEvents('app', { limit: 5 }).items;
    expect(events.map((e) => e.ref)).toEqual(expect.arrayContaining(['refs/heads/feature', 'refs/tags/v1.0']));
  });

  it('a push to another branch is skipped with the reason', async () => {
    h.repo.commit({ 'b.txt': 'dev' }, 'on develop', 'develop');
    const res = await h.pushWebhook('develop');
    expect(res.status).toBe(202);
    await h.idle();
    const d = deployments()[0];
    expect(d.status).toBe('skipped');
    expect(d.skipReason).toMatch(/push to branch `develop`; host web1 deploys `master`/);
  });

  it('a replayed old delivery (new id, old after) does not roll the host back', async () => {
    const old = h.repo.head('refs/heads/master');
    const newer = h.repo.commit({ 'a.txt': 'newest' }, 'newest');
    await h.pushWebhook('master');
    await h.idle();
    expect(head()).toBe(newer);
    const res = await h.pushWebhook('master', { after: old, deliveryId: 'replay-of-old' });
    expect(res.status).toBe(202);
    await h.idle();
    expect(head()).toBe(newer);
  });

  it('a push to the integralgit branch reloads the config, recorded as a config change', async () => {
    const newLocation = h.location; // same location, new script env
    h.repo.writeConfig({ configs: { base: { location: newLocation, script: './deploy.sh', branch: 'master', env: { STAGE: 'two' } } } });
    const res = await h.pushWebhook('integralgit');
    expect(res.status).toBe(202);
    await h.idle();
    const d = deployments()[0];
    expect(d.trigger).toBe('config');
    expect(d.status).toBe('skipped');
    expect(d.skipReason).toMatch(/config .* loaded/);
    const latest = h.store.latestConfigVersion('app');
    expect(latest?.config?.configs.base.env).toEqual({ STAGE: 'two' });
  });

  it('an invalid config push keeps the last valid config in force and records the cause', async () => {
    h.repo.writeConfig({ groups: {}, configs: { base: { location: h.location } } });
    await h.pushWebhook('integralgit');
    await h.idle();
    const latest = h.store.latestConfigVersion('app');
    expect(latest?.valid).toBe(false);
    expect(JSON.stringify(latest?.errors)).toContain('did you mean');
    const sha = h.repo.commit({ 'c.txt': 'still deploys' }, 'still deploys');
    await h.pushWebhook('master');
    await h.idle();
    expect(head()).toBe(sha);
  });

  it('20 pushes while a deployment runs coalesce into at most 2 runs ending on the last commit', async () => {
    h.repo.writeConfig({ configs: { base: { location: h.location, script: './slow.sh', branch: 'master' } } });
    // the first run waits at a gate until all 20 pushes are in: no timing assumption
    const gate = path.join(h.root, 'gate');
    h.repo.commit({ 'slow.sh': `#!/bin/sh\nwhile [ ! -f ${gate} ]; do sleep 0.05; done\necho slow done\n` }, 'slow script');
    h.repo.makeExecutable(['slow.sh']);
    await h.pushWebhook('master');
    for (let i = 0; i < 200 && !deployments().some((d) => d.status === 'running'); i++) await new Promise((r) => setTimeout(r, 50));
    const before = deployments().length - 1; // the running one counts
    let last = '';
    for (let i = 0; i < 20; i++) {
      last = h.repo.commit({ 'n.txt': String(i) }, `push ${i}`);
      const r = await h.pushWebhook('master');
      expect(r.status).toBe(202);
    }
    fs.writeFileSync(gate, '');
    await h.idle(120_000);
    const runs = deployments().slice(0, deployments().length - before);
    expect(runs.length).toBeLessThanOrEqual(2); // the one that was running, and one for the 20
    expect(head()).toBe(last);
    expect(runs[0].status).toBe('succeeded');
    expect(runs[0].commit).toBe(last);
    expect(runs[0].coalescedJobIds.length).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(h.location, 'slow.sh'))).toBe(true);
  }, 180_000); // 21 real git pushes and two deployments; idle() alone may wait 120 s on a loaded machine
});
