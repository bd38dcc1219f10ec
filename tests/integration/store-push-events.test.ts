import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { useTempDirs } from '../helpers/temp-store';
import { IntegralGitError } from '../../lib/errors';
import { openStore, type PushEventInput, type PushEventResult, type Store } from '../../lib/store';

// temp dirs of this file, removed when it ends
const tempDir = useTempDirs('ig-store-');

const ROOT = path.resolve(__dirname, '../..');

function push(over: Partial<PushEventInput> = {}): PushEventInput {
  return {
    repo: 'myapp',
    provider: 'github',
    deliveryId: 'delivery-1',
    eventType: 'push',
    ref: 'refs/heads/master',
    branch: 'master',
    before: 'a'.repeat(40),
    after: 'c'.repeat(40),
    created: false,
    deleted: false,
    forced: false,
    pusher: 'alice',
    commits: [
      { id: 'b'.repeat(40), message: 'first', authorName: 'Alice', authorEmail: 'alice@example.com', timestamp: '2024-05-01T12:00:00+02:00', url: 'https://example.com/b' },
      { id: 'c'.repeat(40), message: 'second\n\nbody', authorName: 'Bob', timestamp: '2024-05-01T10:30:00Z' },
    ],
    jobs: [{ branch: 'master', trigger: 'webhook' }],
    ...over,
  };
}

describe('recordPushEvent', () => {
  let store: Store;
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
    store = openStore(dir);
  });
  afterEach(() => store.close());

  it('stores the event, its commits and its jobs in one go', () => {
    const result = store.recordPushEvent(push());
    expect(result).toEqual({ duplicate: false, eventId: 1, jobIds: [1] });
    expect(store.listRepos()).toEqual(['myapp']);
    expect(store.countCommits('myapp')).toBe(2);
    const event = store.getPushEvent(result.eventId);
    expect(event).toMatchObject({ repo: 'myapp', provider: 'github', deliveryId: 'delivery-1', branch: 'master', forced: false, pusher: 'alice', commitCount: 2 });
    expect(store.commitsOfEvent(result.eventId).map((c) => c.message)).toEqual(['first', 'second\n\nbody']);
    const newest = store.listCommits('myapp', { limit: 1 }).items[0];
    expect(newest).toMatchObject({ id: 'c'.repeat(40), authorName: 'Bob', authorEmail: null, branch: 'master', eventId: 1, url: null });
    expect(store.getCommit('myapp', 'b'.repeat(40))).toMatchObject({ timestamp: '2024-05-01T10:00:00.000Z', authorEmail: 'alice@example.com' });
    expect(store.getJob(1)).toMatchObject({ repo: 'myapp', branch: 'master', trigger: 'webhook', eventId: 1, state: 'queued', attempts: 0 });
  });

  it('answers a repeated delivery id with the original ids and inserts nothing', () => {
    const first = store.recordPushEvent(push());
    const again = store.recordPushEvent(push({ commits: [{ id: 'd'.repeat(40), message: 'x', authorName: 'x', timestamp: 'now' }] }));
    expect(again).toEqual({ duplicate: true, eventId: first.eventId, jobIds: first.jobIds });
    expect(store.countCommits('myapp')).toBe(2);
    expect(store.queueDepth()).toBe(1);
  });

  it('de-duplicates per provider, and never events without a delivery id', () => {
    store.recordPushEvent(push());
    expect(store.recordPushEvent(push({ provider: 'gitlab' })).duplicate).toBe(false);
    expect(store.recordPushEvent(push({ deliveryId: undefined })).duplicate).toBe(false);
    expect(store.recordPushEvent(push({ deliveryId: null })).duplicate).toBe(false);
    expect(store.queueDepth('myapp')).toBe(4);
  });

  it('keeps one row per commit and branch, linked to every push that carried it', () => {
    const first = store.recordPushEvent(push());
    const second = store.recordPushEvent(push({ deliveryId: 'delivery-2', forced: true }));
    const other = store.recordPushEvent(push({ deliveryId: 'delivery-3', ref: 'refs/heads/develop', branch: 'develop' }));
    expect(store.countCommits('myapp')).toBe(4);
    expect(store.commitsOfEvent(second.eventId).map((c) => c.seq)).toEqual(store.commitsOfEvent(first.eventId).map((c) => c.seq));
    expect(store.commitsOfEvent(other.eventId).every((c) => c.branch === 'develop')).toBe(true);
    expect(store.getCommit('myapp', 'b'.repeat(40))?.branch).toBe('master');
    expect(store.listCommits('myapp', { limit: 10, branch: 'develop' }).items).toHaveLength(2);
  });

  it('records tag pushes and branch deletions without a branch or commits', () => {
    const tag = store.recordPushEvent(push({ deliveryId: 't', ref: 'refs/tags/v1', branch: null, tag: 'v1', jobs: [] }));
    const del = store.recordPushEvent(push({ deliveryId: 'del', deleted: true, after: '0'.repeat(40), commits: [], jobs: [] }));
    expect(store.getPushEvent(tag.eventId)).toMatchObject({ branch: null, tag: 'v1', commitCount: 2 });
    expect(store.getPushEvent(del.eventId)).toMatchObject({ deleted: true, commitCount: 0 });
    expect(store.recordPushEvent(push({ deliveryId: 't2', ref: 'refs/tags/v1', branch: null, tag: 'v1', jobs: [] })).duplicate).toBe(false);
    // a tag-only commit is stored once per repo, like a branch
    expect(store.countCommits('myapp')).toBe(2);
    expect(tag.jobIds).toEqual([]);
  });

  it('stores hostile payload text verbatim (escaping is the pages\' job)', () => {
    const message = '<script>alert(1)</script>\'); DROP TABLE commits; --';
    store.recordPushEvent(push({ commits: [{ id: 'e'.repeat(40), message, authorName: '"><img src=x>', timestamp: 'not a date' }] }));
    const row = store.getCommit('myapp', 'e'.repeat(40));
    expect(row).toMatchObject({ message, authorName: '"><img src=x>', timestamp: 'not a date' });
  });

  it('writes with synchronous=FULL and restores NORMAL afterwards, also after a failure', () => {
    store.recordPushEvent(push());
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1);
    expect(() => store.recordPushEvent(push({ deliveryId: 'bad', jobs: [{ branch: 'master', trigger: 'nonsense' as never }] }))).toThrow(/invalid trigger/);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1);
    // the failed push left nothing behind
    expect(store.getPushEvent(2)).toBeUndefined();
    expect(store.queueDepth()).toBe(1);
  });

  it('refuses an event without repo or provider', () => {
    expect(() => store.recordPushEvent(push({ repo: '' }))).toThrow(IntegralGitError);
    expect(() => store.recordPushEvent(push({ provider: '' }))).toThrow(IntegralGitError);
    expect(() => store.recordPushEvent(push({ commits: [{ id: '', message: '', authorName: '', timestamp: '' }] }))).toThrow(/commit id/);
    expect(store.listRepos()).toEqual([]);
  });

  it('de-duplicates across two stores on the same file', () => {
    const other = openStore(dir);
    try {
      const a = store.recordPushEvent(push());
      const b = other.recordPushEvent(push());
      expect(b).toEqual({ ...a, duplicate: true });
      expect(other.recordPushEvent(push({ deliveryId: 'delivery-2' })).duplicate).toBe(false);
      expect(store.recordPushEvent(push({ deliveryId: 'delivery-2' })).duplicate).toBe(true);
      expect(store.queueDepth()).toBe(2);
    } finally {
      other.close();
    }
  });

  it('lists push events newest first, by branch, with keyset pages', () => {
    for (let i = 1; i <= 5; i++) store.recordPushEvent(push({ deliveryId: `d${i}`, branch: i % 2 ? 'master' : 'develop' }));
    const page1 = store.listPushEvents('myapp', { limit: 2 });
    expect(page1.items.map((e) => e.id)).toEqual([5, 4]);
    const page2 = store.listPushEvents('myapp', { limit: 2, before: page1.nextCursor });
    expect(page2.items.map((e) => e.id)).toEqual([3, 2]);
    expect(store.listPushEvents('myapp', { limit: 10, branch: 'master' }).items.map((e) => e.id)).toEqual([5, 3, 1]);
    expect(store.jobsOfEvent(3).map((j) => j.eventId)).toEqual([3]);
  });
});

/**
 * Real concurrency: child processes racing on one file. They run the store's own code,
 * transpiled here, so the race exercises the same SQL and transactions as the server.
 */
describe('recordPushEvent under concurrent processes', () => {
  function transpileStore(outDir: string): void {
    const sources = [
      'lib/errors.ts',
      ...fs.readdirSync(path.join(ROOT, 'lib/store'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join('lib/store', f)),
    ];
    for (const rel of sources) {
      const out = ts.transpileModule(fs.readFileSync(path.join(ROOT, rel), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      });
      const target = path.join(outDir, rel.replace(/\.ts$/, '.js'));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, out.outputText);
    }
  }

  const CHILD = `
const { openStore } = require(process.argv[2]);
const store = openStore(process.argv[3]);
const deliveries = Number(process.argv[4]);
process.stdout.write('ready\\n');
process.stdin.once('data', () => {
  const results = [];
  for (let i = 0; i < deliveries; i++) {
    const r = store.recordPushEvent({
      repo: 'race', provider: 'github', deliveryId: 'same-' + i, eventType: 'push', ref: 'refs/heads/master', branch: 'master',
      created: false, deleted: false, forced: false,
      commits: [{ id: 'sha' + i, message: 'm', authorName: 'a', timestamp: '2024-01-01T00:00:00Z' }],
      jobs: [{ branch: 'master', trigger: 'webhook' }],
    });
    results.push(r);
  }
  store.close();
  process.stdout.write(JSON.stringify(results) + '\\n');
  process.exit(0);
});
`;

  it('stores each delivery once when four processes post the same deliveries at once', async () => {
    const tmp = tempDir();
    const build = path.join(tmp, 'build');
    transpileStore(build);
    const script = path.join(tmp, 'child.js');
    fs.writeFileSync(script, CHILD);
    const dataDir = path.join(tmp, 'data');
    openStore(dataDir).close(); // migrate once up front; racing opens are covered by the second test
    const deliveries = 40;
    const children = Array.from({ length: 4 }, () =>
      spawn(process.execPath, [script, path.join(build, 'lib/store/index.js'), dataDir, String(deliveries)], {
        env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
    const outputs = children.map(
      (child) =>
        new Promise<{ ready: Promise<void>; lines: string[]; done: Promise<void> }>((resolve) => {
          const lines: string[] = [];
          let stderr = '';
          let buf = '';
          let onReady: () => void = () => undefined;
          const ready = new Promise<void>((r) => (onReady = r));
          child.stderr.on('data', (d) => (stderr += String(d)));
          child.stdout.on('data', (d) => {
            buf += String(d);
            let nl: number;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl);
              buf = buf.slice(nl + 1);
              if (line === 'ready') onReady();
              else lines.push(line);
            }
          });
          const done = new Promise<void>((res, rej) => child.on('exit', (code) => (code === 0 ? res() : rej(new Error(`child exited ${code}: ${stderr}`)))));
          resolve({ ready, lines, done });
        }),
    );
    const handles = await Promise.all(outputs);
    await Promise.all(handles.map((h) => h.ready));
    for (const child of children) child.stdin.write('go\n');
    await Promise.all(handles.map((h) => h.done));

    const results = handles.map((h) => JSON.parse(h.lines[0]) as PushEventResult[]);
    for (let i = 0; i < deliveries; i++) {
      const forDelivery = results.map((r) => r[i]);
      expect(forDelivery.filter((r) => !r.duplicate)).toHaveLength(1);
      const winner = forDelivery.find((r) => !r.duplicate)!;
      for (const r of forDelivery) expect(r).toEqual({ ...winner, duplicate: r.duplicate });
    }
    const store = openStore(dataDir);
    try {
      expect(store.queueDepth('race')).toBe(deliveries);
      expect(store.countCommits('race')).toBe(deliveries);
      expect(store.integrityCheck()).toBe('ok');
    } finally {
      store.close();
    }
  });

  it('migrates a fresh database once when several processes open it at once', async () => {
    const tmp = tempDir();
    const build = path.join(tmp, 'build');
    transpileStore(build);
    const script = path.join(tmp, 'open.js');
    fs.writeFileSync(script, `const { openStore } = require(process.argv[2]); openStore(process.argv[3]).close();`);
    const dataDir = path.join(tmp, 'data');
    await Promise.all(
      Array.from({ length: 4 }, () =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, [script, path.join(build, 'lib/store/index.js'), dataDir], {
            env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let stderr = '';
          child.stderr.on('data', (d) => (stderr += String(d)));
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`open failed (${code}): ${stderr}`))));
        }),
      ),
    );
    const store = openStore(dataDir);
    expect(store.integrityCheck()).toBe('ok');
    store.close();
  });
});
