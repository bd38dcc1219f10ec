import fs from 'node:fs';
import path from 'node:path';
import { settingsFromObject } from '../../lib/settings/load-settings';
import type { Settings } from '../../lib/settings/types';
import { silentLogger, createLogger, type Logger } from '../../lib/log/logger';
import { startServer, RunningServer } from '../../server/start-server';
import { githubPushPayload, githubHeaders } from '../../lib/demo/github-push';
import { GitFixture, FixtureRepo, makeTempDir, git } from './git-fixture';
import { postRetryingStale } from './post-retrying-stale';

export const SECRET = 'harness-secret-123';

export interface HarnessOptions {
  /** extra settings merged over the defaults (top level) */
  settings?: Record<string, unknown>;
  /** extra settings for the `app` repo */
  repo?: Record<string, unknown>;
  /** the repo config written on the integralgit branch; default deploys master into <root>/deployments/app */
  config?: unknown;
  /** script files committed with the initial commit, e.g. { 'deploy.sh': '#!/bin/sh\necho hi\n' } */
  files?: Record<string, string>;
  logToConsole?: boolean;
  /** the server's logger (default silent, or the console with logToConsole) */
  logger?: Logger;
  /** where the repository lives on the git server, e.g. `acme/app` (default `app`) */
  repoPath?: string;
  /** options of startServer (outbox timings, missed-webhook grace) */
  serverOptions?: Parameters<typeof startServer>[2];
}

/**
 * A real IntegralGit server on an ephemeral port, a real repository served by
 * `git http-backend`, a temp data dir and deployment root: the parts production uses.
 */
export class ServerHarness {
  server!: RunningServer;
  settings!: Settings;
  repo!: FixtureRepo;
  readonly root = makeTempDir('ig-srv-');
  readonly dataDir = path.join(this.root, 'data');
  readonly deployRoot = path.join(this.root, 'deployments');
  readonly location = path.join(this.deployRoot, 'app');
  private constructor(readonly fx: GitFixture) {}

  static async start(opts: HarnessOptions = {}): Promise<ServerHarness> {
    const fx = await GitFixture.create();
    const h = new ServerHarness(fx);
    fs.mkdirSync(h.deployRoot, { recursive: true });
    h.repo = fx.createRepo(opts.repoPath ?? 'app', {
      'README.md': '# app\n',
      'deploy.sh': '#!/bin/sh\necho "deployed $INTEGRALGIT_COMMIT"\n',
      ...(opts.files ?? {}),
    });
    h.repo.makeExecutable(['deploy.sh']);
    h.repo.writeConfig(opts.config ?? { configs: { base: { location: h.location, script: './deploy.sh', branch: 'master' } } });
    h.settings = settingsFromObject(
      {
        listen: { host: '127.0.0.1', port: 0 },
        dataDir: h.dataDir,
        hostname: 'web1',
        allowedRoots: [h.deployRoot],
        repos: { app: { url: h.repo.url, secret: SECRET, ...(opts.repo ?? {}) } },
        ...(opts.settings ?? {}),
      },
      { file: path.join(h.root, 'settings.json'), baseDir: h.root, env: {} },
    );
    const logger = opts.logger ?? (opts.logToConsole ? createLogger({}) : silentLogger());
    h.server = await startServer(h.settings, logger, opts.serverOptions);
    return h;
  }

  get url(): string {
    return this.server.url;
  }

  get store() {
    return this.server.store;
  }

  /** POST a signed GitHub push for the current head of `branch`. */
  async pushWebhook(branch = 'master', opts: { deliveryId?: string; secret?: string; after?: string; message?: string } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    const after = opts.after ?? this.repo.head(`refs/heads/${branch}`);
    const body = githubPushPayload({
      cloneUrl: this.repo.url,
      ref: `refs/heads/${branch}`,
      before: '0'.repeat(40),
      after,
      commits: [
        {
          id: after,
          message: opts.message ?? git(this.repo.work, ['log', '-1', '--format=%B', after]),
          authorName: 'Test Author',
          authorEmail: 'author@example.com',
          timestamp: new Date().toISOString(),
        },
      ],
    });
    return this.post('/update', body, githubHeaders(body, opts.secret ?? SECRET, 'push', opts.deliveryId));
  }

  async post(route: string, body: string | Buffer, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await postRetryingStale(this.url + route, body, headers);
    const text = await res.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      parsed = { text };
    }
    return { status: res.status, body: parsed };
  }

  async get(route: string): Promise<{ status: number; text: string; headers: Headers }> {
    const res = await fetch(this.url + route);
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  /** Wait until no job is queued or running. */
  async idle(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.server.ctx.queue.idle();
      if (this.store.queueDepth('app') === 0 && !this.server.ctx.queue.isRunning('app')) return;
      if (Date.now() > deadline) throw new Error('harness: queue did not become idle');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    await this.server?.close(5_000);
    await this.fx.close();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
