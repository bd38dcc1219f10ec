import type { Store, DeploymentStatus, LogStream } from '../../../lib/store';

/** Strings that would run or inject markup if any page printed them unescaped. */
export const HOSTILE = {
  message: '<img src=x onerror="window.__pwned=1">Fix <b>bold</b> & "quotes"\n\n<script>window.__pwned=2</script> body line',
  author: '<script>window.__pwned=3</script>Mallory',
  branch: 'feature/<svg onload=alert(1)>',
  pusher: '"><iframe src=javascript:alert(4)>',
  url: 'javascript:alert(5)',
  log: '<script>window.__pwned=6</script> & </pre><h1>log</h1>\n',
  reason: '<a href=javascript:alert(7)>click</a> signature mismatch',
};

let shaCounter = 0;
/** A fresh 40-hex sha, distinct per call. */
export function fakeSha(prefix = 'ab'): string {
  shaCounter++;
  return (prefix + shaCounter.toString(16).padStart(8, '0')).padEnd(40, 'c').slice(0, 40);
}

export interface SeedDeployment {
  status: DeploymentStatus;
  commit?: string;
  previousCommit?: string;
  branch?: string;
  trigger?: 'webhook' | 'poll' | 'cli' | 'ui' | 'retry' | 'config';
  exitCode?: number | null;
  signal?: string | null;
  error?: string;
  errorCode?: string;
  skipReason?: string;
  log?: Array<[LogStream, string]>;
  steps?: string[];
  durationMs?: number;
  coalescedJobIds?: number[];
}

/**
 * A push (with its commits) and the deployment it led to, written straight to the store the
 * way the webhook path and the queue worker would. Synchronous from start to end, so the
 * server's worker never sees the job in between.
 */
export function seedPush(
  store: Store,
  repo: string,
  host: string,
  push: {
    branch?: string;
    pusher?: string;
    commits: Array<{ id?: string; message: string; authorName?: string; url?: string | null; timestamp?: string }>;
    forced?: boolean;
    deployment?: SeedDeployment;
  },
): { eventId: number; deploymentId?: number; shas: string[] } {
  const branch = push.branch ?? 'master';
  const commits = push.commits.map((c) => ({
    id: c.id ?? fakeSha(),
    message: c.message,
    authorName: c.authorName ?? 'Ada Lovelace',
    authorEmail: 'ada@example.com',
    timestamp: c.timestamp ?? new Date(Date.now() - 3600_000).toISOString(),
    url: c.url === undefined ? null : c.url,
  }));
  const after = commits.length ? commits[commits.length - 1].id : fakeSha();
  const res = store.recordPushEvent({
    repo,
    provider: 'github',
    eventType: 'push',
    ref: `refs/heads/${branch}`,
    branch,
    before: '0'.repeat(40),
    after,
    created: false,
    deleted: false,
    forced: push.forced ?? false,
    pusher: push.pusher ?? 'ada',
    commits,
    jobs: push.deployment ? [{ branch, trigger: 'webhook' }] : [],
  });
  let deploymentId: number | undefined;
  if (push.deployment) {
    const job = store.claimNextJob(repo);
    if (!job) throw new Error('seedPush: the job was not queued');
    deploymentId = seedDeployment(store, repo, host, { commit: after, branch, ...push.deployment }, job.id);
    store.finishJob(job.id, deploymentId);
  }
  return { eventId: res.eventId, deploymentId, shas: commits.map((c) => c.id) };
}

/** A deployment record with its log, as runDeployment leaves it. */
export function seedDeployment(store: Store, repo: string, host: string, d: SeedDeployment, jobId: number | null = null): number {
  const started = new Date(Date.now() - 600_000);
  const id = store.createDeployment({ repo, host, trigger: d.trigger ?? 'webhook', jobId, status: 'queued', branch: d.branch ?? 'master', queuedAt: new Date(started.getTime() - 1500).toISOString() });
  if (jobId !== null) store.attachDeployment(jobId, id);
  for (const [stream, text] of d.log ?? []) store.appendLog(id, stream, text);
  const finished = d.status !== 'running' && d.status !== 'queued';
  store.updateDeployment(id, {
    status: d.status,
    commit: d.commit ?? null,
    previousCommit: d.previousCommit ?? null,
    startedAt: started.toISOString(),
    ...(finished ? { finishedAt: new Date(started.getTime() + (d.durationMs ?? 4200)).toISOString() } : {}),
    exitCode: d.exitCode ?? (d.status === 'succeeded' ? 0 : null),
    signal: d.signal ?? null,
    error: d.error ?? null,
    errorCode: d.errorCode ?? null,
    skipReason: d.skipReason ?? null,
    steps: d.steps ?? ['fetched origin/master', 'checked out the commit'],
    coalescedJobIds: d.coalescedJobIds ?? [],
  });
  return id;
}

/** A valid config version, then optionally a newer invalid one (the last valid stays in force). */
export function seedConfig(store: Store, repo: string, location: string, opts: { invalidAfter?: boolean } = {}): void {
  const config = {
    hostgroups: { web: ['web1', 'web2'] },
    configs: {
      base: { location, script: './deploy.sh', branch: 'master', env: { NODE_ENV: 'production' } },
      web: { timeout: 120 },
      web1: { env: { PORT: '8080' } },
    },
  };
  const t = Date.now();
  store.recordConfigVersion({ repo, commit: fakeSha('cf'), raw: JSON.stringify(config, null, 2), valid: true, errors: [], config, fetchedAt: new Date(t - 60_000).toISOString() });
  if (opts.invalidAfter) {
    store.recordConfigVersion({
      repo,
      commit: fakeSha('ce'),
      raw: '{ "groups": { "web": ["web1"] }, "configs": {} }',
      valid: false,
      errors: [{ path: '/groups', message: 'unknown key "groups" <b>(did you mean "hostgroups"?)</b>' }],
      fetchedAt: new Date(t - 1000).toISOString(),
    });
  }
}
