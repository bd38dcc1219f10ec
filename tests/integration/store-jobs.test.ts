import path from 'node:path';
import Database from 'better-sqlite3';
import { useTempDirs } from '../helpers/temp-store';
import { applyMigrations, DATABASE_FILE, INTERRUPTED_MESSAGE, loadMigrations, openStore, type Store } from '../../lib/store';

const MIGRATIONS = loadMigrations();

// temp dirs of this file, removed when it ends
const tempDir = useTempDirs('ig-store-');

describe('job queue', () => {
  let store: Store;
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
    store = openStore(dir);
  });
  afterEach(() => store.close());

  it('coalesces the queued jobs of a branch into its newest, then serves the other branch', () => {
    const master = [1, 2, 3].map(() => store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' }));
    const develop = store.enqueueJob({ repo: 'app', branch: 'develop', trigger: 'webhook' });
    master.push(store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'poll' }));
    master.push(store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' }));
    store.enqueueJob({ repo: 'other', branch: 'master', trigger: 'webhook' });
    expect(store.queueDepth('app')).toBe(6);

    const first = store.claimNextJob('app')!;
    expect(first.id).toBe(master[4]);
    expect(first).toMatchObject({ state: 'running', attempts: 1, branch: 'master' });
    expect(first.startedAt).not.toBeNull();
    expect(first.coalescedJobIds).toEqual(master.slice(0, 4));
    for (const id of master.slice(0, 4)) expect(store.getJob(id)).toMatchObject({ state: 'coalesced', coalescedInto: master[4] });
    expect(store.queueDepth('app')).toBe(1);

    const deploymentId = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'webhook', jobId: first.id, coalescedJobIds: first.coalescedJobIds });
    store.attachDeployment(first.id, deploymentId);
    expect(store.getJob(first.id)).toMatchObject({ state: 'running', deploymentId });
    store.finishJob(first.id, deploymentId);
    expect(store.getJob(first.id)).toMatchObject({ state: 'done', deploymentId });
    // the folded jobs point at the deployment that covered them
    for (const id of master.slice(0, 4)) expect(store.getJob(id)?.deploymentId).toBe(deploymentId);

    const second = store.claimNextJob('app')!;
    expect(second).toMatchObject({ id: develop, branch: 'develop', coalescedJobIds: [] });
    expect(store.claimNextJob('app')).toBeUndefined();
    expect(store.reposWithQueuedJobs()).toEqual(['other']);
    expect(store.queueDepth()).toBe(1);
  });

  it("names the newest head pushed to the claimed job's group, whatever the group's size", () => {
    const push = (n: number, after: string | null) =>
      store.recordPushEvent({
        repo: 'app', provider: 'github', deliveryId: `d${n}`, eventType: 'push', ref: 'refs/heads/master', branch: 'master', after,
        created: false, deleted: false, forced: false, commits: [], jobs: [{ branch: 'master', trigger: 'webhook' }],
      }).jobIds[0];
    const ids: number[] = [];
    for (let n = 0; n < 3000; n++) ids.push(push(n, n.toString(16).padStart(40, 'a')));
    const newest = 'b'.repeat(40);
    ids.push(push(3000, newest));
    // a later branch deletion and a job without a push do not hide the newest real head
    ids.push(push(3001, '0'.repeat(40)));
    ids.push(store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'poll' }));
    const claimed = store.claimNextJob('app')!;
    expect(claimed.id).toBe(ids[ids.length - 1]);
    expect(claimed.coalescedJobIds).toEqual(ids.slice(0, -1));
    expect(claimed.pushedHead).toBe(newest);
    expect(store.getJob(ids[1234])).toMatchObject({ state: 'coalesced', coalescedInto: claimed.id });
    expect(store.queueDepth('app')).toBe(0);
    // a job that no push named: no head
    store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'cli' });
    expect(store.claimNextJob('app')!.pushedHead).toBeNull();
  });

  it('keeps folded chains one level deep when a re-queued job is folded again', () => {
    const old = store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' });
    const folded = store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' });
    expect(store.claimNextJob('app')).toMatchObject({ id: folded, coalescedJobIds: [old] });
    store.recoverInterrupted();
    const newer = store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' });
    expect(store.claimNextJob('app')).toMatchObject({ id: newer, coalescedJobIds: [folded] });
    expect(store.getJob(old)).toMatchObject({ state: 'coalesced', coalescedInto: newer });
    expect(store.getJob(folded)).toMatchObject({ state: 'coalesced', coalescedInto: newer });
  });

  it('runs a targeted job (rollback) alone, in order, and never folds across it', () => {
    const head1 = store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' });
    const rollback = store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'ui', targetCommit: 'abc123' });
    const head2 = store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' });
    const head3 = store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' });

    expect(store.claimNextJob('app')).toMatchObject({ id: head1, coalescedJobIds: [] });
    store.finishJob(head1, null);
    expect(store.claimNextJob('app')).toMatchObject({ id: rollback, targetCommit: 'abc123', coalescedJobIds: [] });
    store.finishJob(rollback, null);
    expect(store.claimNextJob('app')).toMatchObject({ id: head3, coalescedJobIds: [head2] });
  });

  it('keeps jobs without a branch (the configured branch) apart from named branches', () => {
    const a = store.enqueueJob({ repo: 'app', branch: null, trigger: 'cli' });
    store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' });
    const b = store.enqueueJob({ repo: 'app', branch: null, trigger: 'ui' });
    expect(store.claimNextJob('app')).toMatchObject({ id: b, branch: null, trigger: 'ui', coalescedJobIds: [a] });
  });

  it('lists jobs newest first, filtered by state', () => {
    const ids = [1, 2, 3].map(() => store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' }));
    store.claimNextJob('app');
    expect(store.listJobs('app').map((j) => j.id)).toEqual([...ids].reverse());
    expect(store.listJobs('app', ['running']).map((j) => j.id)).toEqual([ids[2]]);
    expect(store.listJobs('app', ['coalesced', 'queued']).map((j) => j.id)).toEqual([ids[1], ids[0]]);
    expect(store.listJobs('app', [])).toEqual([]);
    expect(() => store.listJobs('app', ['bogus' as never])).toThrow(/invalid job state/);
  });

  it('refuses bad input', () => {
    expect(() => store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'cron' as never })).toThrow(/invalid trigger "cron"/);
    expect(() => store.enqueueJob({ repo: '', branch: 'master', trigger: 'cli' })).toThrow(/repo must be a non-empty string/);
    expect(() => store.finishJob(999, null)).toThrow(/job 999 does not exist/);
    expect(() => store.attachDeployment(999, 1)).toThrow(/job 999 does not exist/);
    expect(() => store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'cli', eventId: 12345 })).toThrow(/FOREIGN KEY/);
  });

  it('survives a restart: queued jobs are still there for a new store', () => {
    store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' });
    store.close();
    store = openStore(dir);
    expect(store.reposWithQueuedJobs()).toEqual(['app']);
    expect(store.claimNextJob('app')?.attempts).toBe(1);
  });
});

describe('recoverInterrupted', () => {
  let store: Store;
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
    store = openStore(dir);
  });
  afterEach(() => store.close());

  function startRun(jobId: number): number {
    const id = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'webhook', jobId, status: 'running', startedAt: new Date(Date.now() - 1000).toISOString() });
    store.appendLog(id, 'stdout', 'half of the output');
    return id;
  }

  it('fails the running deployment, re-queues the job once, then gives up', () => {
    const jobId = store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' });
    store.claimNextJob('app');
    const d1 = startRun(jobId);

    // "kill -9": the store is reopened without the job ever finishing
    store.close();
    store = openStore(dir);
    expect(store.recoverInterrupted()).toEqual([{ jobId, deploymentId: d1, requeued: true }]);
    const failed = store.getDeployment(d1)!;
    expect(failed).toMatchObject({ status: 'failed', error: INTERRUPTED_MESSAGE, errorCode: 'IG_INTERRUPTED' });
    expect(failed.finishedAt).not.toBeNull();
    expect(failed.durationMs).toBeGreaterThanOrEqual(1000);
    expect(store.getJob(jobId)).toMatchObject({ state: 'queued', trigger: 'webhook', attempts: 1, startedAt: null });

    const retry = store.claimNextJob('app')!;
    expect(retry).toMatchObject({ id: jobId, attempts: 2 });
    const d2 = startRun(jobId);
    store.close();
    store = openStore(dir);
    expect(store.recoverInterrupted()).toEqual([{ jobId, deploymentId: d2, requeued: false }]);
    expect(store.getJob(jobId)).toMatchObject({ state: 'done', deploymentId: d2 });
    expect(store.getDeployment(d2)?.status).toBe('failed');
    expect(store.queueDepth()).toBe(0);
    expect(store.recoverInterrupted()).toEqual([]);
  });

  it('re-queues a job that died before creating its deployment, and leaves finished ones alone', () => {
    const done = store.enqueueJob({ repo: 'app', branch: 'develop', trigger: 'webhook' });
    store.claimNextJob('app');
    const ok = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'webhook', jobId: done, status: 'succeeded', commit: 'c1' });
    store.finishJob(done, ok);
    const early = store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'poll' });
    store.claimNextJob('app');
    expect(store.recoverInterrupted()).toEqual([{ jobId: early, requeued: true }]);
    expect(store.getDeployment(ok)?.status).toBe('succeeded');
    expect(store.getJob(early)?.state).toBe('queued');
  });

  it('lets newer pushes of the branch absorb a re-queued job', () => {
    const old = store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' });
    store.claimNextJob('app');
    const folded = store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' });
    const newest = store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' });
    store.recoverInterrupted();
    const claimed = store.claimNextJob('app')!;
    expect(claimed).toMatchObject({ id: newest, coalescedJobIds: [old, folded] });
  });

  // several serve processes with different --hostname may share one store (SPEC §11)
  it('records the claiming host on the job', () => {
    const id = store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' });
    expect(store.getJob(id)?.host).toBeNull();
    expect(store.claimNextJob('app', 'web1')).toMatchObject({ id, host: 'web1' });
  });

  it("recovers host A's running job and leaves host B's running job (and deployment) alone", () => {
    const jobA = store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' });
    store.claimNextJob('app', 'web1');
    const jobB = store.enqueueJob({ repo: 'api', branch: 'master', trigger: 'webhook' });
    store.claimNextJob('api', 'web2');
    const depA = store.createDeployment({ repo: 'app', host: 'web1', trigger: 'webhook', jobId: jobA, status: 'running' });
    const depB = store.createDeployment({ repo: 'api', host: 'web2', trigger: 'webhook', jobId: jobB, status: 'running' });

    // web1 restarts after a crash while web2 is still running its deployment
    store.close();
    store = openStore(dir);
    expect(store.recoverInterrupted('web1')).toEqual([{ jobId: jobA, deploymentId: depA, requeued: true }]);
    expect(store.getJob(jobA)).toMatchObject({ state: 'queued' });
    expect(store.getDeployment(depA)?.status).toBe('failed');
    expect(store.getJob(jobB)).toMatchObject({ state: 'running', host: 'web2' });
    expect(store.getDeployment(depB)).toMatchObject({ status: 'running', error: null });
    expect(store.recoverInterrupted('web2')).toEqual([{ jobId: jobB, deploymentId: depB, requeued: true }]);
  });

  it('treats a running job without a host (claimed before jobs had one) as its own', () => {
    const legacy = store.enqueueJob({ repo: 'app', branch: 'master', trigger: 'webhook' });
    store.claimNextJob('app');
    expect(store.getJob(legacy)?.host).toBeNull();
    expect(store.recoverInterrupted('web1')).toEqual([{ jobId: legacy, requeued: true }]);
  });

  it('upgrades a store whose running job predates hosts: the job has none and any host recovers it', () => {
    store.close();
    dir = tempDir();
    const db = new Database(path.join(dir, DATABASE_FILE));
    // every migration before the one that added jobs.host (later ones are not a prefix)
    applyMigrations(db, DATABASE_FILE, MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === 'job-hosts')));
    db.prepare("INSERT INTO repos (name, created_at) VALUES ('app', ?)").run(new Date().toISOString());
    const id = db
      .prepare("INSERT INTO jobs (repo, branch, trigger_kind, state, attempts, created_at, started_at) VALUES ('app', 'master', 'webhook', 'running', 1, ?, ?) RETURNING id")
      .pluck()
      .get(new Date().toISOString(), new Date().toISOString()) as number;
    db.close();
    store = openStore(dir);
    expect(store.getJob(id)).toMatchObject({ state: 'running', host: null });
    expect(store.recoverInterrupted('web2')).toEqual([{ jobId: id, requeued: true }]);
  });
});
