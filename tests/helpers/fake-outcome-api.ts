import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CommitStatusProviderName } from '../../lib/settings/outcome-types';

/**
 * A git host's commit-status API (or a notification receiver) on 127.0.0.1 that checks
 * each request against the host's documented format, the way the host itself would
 * refuse it, and can be made slow, failing or hanging. Formats, from the hosts' docs:
 *  - GitHub  POST /repos/{owner}/{repo}/statuses/{sha}, Authorization: Bearer|token,
 *    body { state: error|failure|pending|success, target_url?, description?, context? }
 *  - GitLab  POST /projects/{id or url-encoded path}/statuses/{sha}, PRIVATE-TOKEN,
 *    body { state: pending|running|success|failed|canceled|skipped, ref?, name?|context?, target_url?, description?, coverage?, pipeline_id? }
 *  - Gitea   POST /repos/{owner}/{repo}/statuses/{sha}, Authorization: token,
 *    body { state: pending|success|error|failure|warning, target_url?, description?, context? }
 *  - Bitbucket Cloud  POST /repositories/{workspace}/{repo_slug}/commit/{commit}/statuses/build,
 *    Bearer or Basic, body { key, state: INPROGRESS|SUCCESSFUL|FAILED|STOPPED, url, name?, description?, refname? }
 *  - Bitbucket Server POST /rest/build-status/1.0/commits/{commitId}, Bearer or Basic,
 *    body { state: INPROGRESS|SUCCESSFUL|FAILED, key, url, name?, description? }
 */
interface HostFormat {
  path: RegExp;
  auth: (headers: http.IncomingHttpHeaders, token: string) => boolean;
  states: string[];
  required: string[];
  allowed: string[];
  okStatus: number;
}

const SHA = '([0-9a-f]{40})';
const bearerOrBasic = (h: http.IncomingHttpHeaders, token: string) =>
  h.authorization === `Bearer ${token}` || (h.authorization?.startsWith('Basic ') === true && Buffer.from(h.authorization.slice(6), 'base64').toString().endsWith(`:${token}`));

export const HOST_FORMATS: Record<CommitStatusProviderName, HostFormat> = {
  github: {
    path: new RegExp(`^/repos/[^/]+/[^/]+/statuses/${SHA}$`),
    auth: (h, t) => h.authorization === `Bearer ${t}` || h.authorization === `token ${t}`,
    states: ['error', 'failure', 'pending', 'success'],
    required: ['state'],
    allowed: ['state', 'target_url', 'description', 'context'],
    okStatus: 201,
  },
  gitlab: {
    path: new RegExp(`^/projects/[^/]+/statuses/${SHA}$`),
    auth: (h, t) => h['private-token'] === t || h.authorization === `Bearer ${t}`,
    states: ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'],
    required: ['state'],
    allowed: ['state', 'ref', 'name', 'context', 'target_url', 'description', 'coverage', 'pipeline_id'],
    okStatus: 201,
  },
  gitea: {
    path: new RegExp(`^/repos/[^/]+/[^/]+/statuses/${SHA}$`),
    auth: (h, t) => h.authorization === `token ${t}` || h.authorization === `Bearer ${t}`,
    states: ['pending', 'success', 'error', 'failure', 'warning'],
    required: ['state'],
    allowed: ['state', 'target_url', 'description', 'context'],
    okStatus: 201,
  },
  'bitbucket-cloud': {
    path: new RegExp(`^/repositories/[^/]+/[^/]+/commit/${SHA}/statuses/build/?$`),
    auth: bearerOrBasic,
    states: ['INPROGRESS', 'SUCCESSFUL', 'FAILED', 'STOPPED'],
    required: ['key', 'state', 'url'],
    allowed: ['key', 'state', 'url', 'name', 'description', 'refname'],
    okStatus: 201,
  },
  'bitbucket-server': {
    path: new RegExp(`^/commits/${SHA}$`),
    auth: bearerOrBasic,
    states: ['INPROGRESS', 'SUCCESSFUL', 'FAILED'],
    required: ['state', 'key', 'url'],
    allowed: ['state', 'key', 'url', 'name', 'description'],
    okStatus: 204,
  },
};

export type FakeMode = 'ok' | 'fail' | 'hang' | { delayMs: number };

export interface ReceivedRequest {
  method: string;
  /** the path after the API prefix, percent-encoding kept */
  path: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  body: Record<string, unknown>;
  /** why the host would refuse it; empty when the request is well formed */
  problems: string[];
  at: number;
}

export class FakeOutcomeApi {
  mode: FakeMode = 'ok';
  readonly received: ReceivedRequest[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];
  private readonly hanging = new Set<http.ServerResponse>();

  private constructor(
    private readonly server: http.Server,
    /** the API prefix, e.g. `/api/v3` */
    readonly prefix: string,
    private readonly format: HostFormat | undefined,
    private readonly token: string,
  ) {}

  /** A status API for `provider` (checked) or, without one, a plain receiver that accepts any POST. */
  static async start(opts: { provider?: CommitStatusProviderName; prefix?: string; token?: string } = {}): Promise<FakeOutcomeApi> {
    const server = http.createServer();
    const api = new FakeOutcomeApi(server, opts.prefix ?? '', opts.provider ? HOST_FORMATS[opts.provider] : undefined, opts.token ?? '');
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => api.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${this.prefix}`;
  }

  /** Resolves once `count` well-formed or not requests have arrived in all. */
  waitFor(count: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '').startsWith(this.prefix) ? (req.url ?? '').slice(this.prefix.length) : `(outside ${this.prefix})${req.url}`;
      let body: Record<string, unknown> = {};
      const problems: string[] = [];
      try {
        body = JSON.parse(rawBody) as Record<string, unknown>;
      } catch {
        problems.push('body is not JSON');
      }
      if (req.method !== 'POST') problems.push(`method ${req.method} is not POST`);
      if (!/^application\/json/.test(req.headers['content-type'] ?? '')) problems.push('Content-Type is not application/json');
      if (this.format) problems.push(...this.check(path, req.headers, body));
      const received: ReceivedRequest = { method: req.method ?? '', path, headers: req.headers, rawBody, body, problems, at: Date.now() };
      this.received.push(received);
      this.waiters = this.waiters.filter((w) => (this.received.length >= w.count ? (w.resolve(), false) : true));
      this.answer(res, problems);
    });
  }

  private check(path: string, headers: http.IncomingHttpHeaders, body: Record<string, unknown>): string[] {
    const f = this.format as HostFormat;
    const problems: string[] = [];
    if (!f.path.test(path)) problems.push(`path ${path} is not the documented one`);
    if (!f.auth(headers, this.token)) problems.push('missing or wrong authentication header');
    if (!f.states.includes(String(body.state))) problems.push(`state ${String(body.state)} is not one of ${f.states.join(', ')}`);
    for (const k of f.required) if (body[k] === undefined || body[k] === '') problems.push(`field ${k} is required`);
    for (const k of Object.keys(body)) if (!f.allowed.includes(k)) problems.push(`field ${k} is not documented`);
    if (typeof body.description === 'string' && (body.description.length > 140 || /\n/.test(body.description))) problems.push('description is not one line of at most 140 characters');
    return problems;
  }

  private answer(res: http.ServerResponse, problems: string[]): void {
    const mode = this.mode;
    if (mode === 'hang') {
      this.hanging.add(res);
      return;
    }
    const send = () => {
      // like the hosts: 401 for a missing or wrong token, 422 for a request they cannot take
      if (problems.some((p) => p.includes('authentication'))) return res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"message":"Bad credentials"}');
      if (problems.length) return res.writeHead(422, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: problems.join('; ') }));
      if (mode === 'fail') return res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"message":"internal error"}');
      res.writeHead(this.format?.okStatus ?? 200, { 'Content-Type': 'application/json' }).end(this.format?.okStatus === 204 ? undefined : '{}');
    };
    if (typeof mode === 'object') setTimeout(send, mode.delayMs);
    else send();
  }
}
