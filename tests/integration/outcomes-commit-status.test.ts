import type { IntegralGitError } from '../../lib/errors';
import { resolveStatusTarget, type ResolvedStatusTarget } from '../../lib/outcomes/commit-status/resolve-endpoint';
import { commitStatusUpdate } from '../../lib/outcomes/commit-status/status-update';
import { sendHttp } from '../../lib/outcomes/send-http';
import type { OutcomeFacts } from '../../lib/outcomes/types';
import type { CommitStatusProviderName } from '../../lib/settings/outcome-types';
import { FakeOutcomeApi } from '../helpers/fake-outcome-api';

const SHA = 'a'.repeat(40);
const TOKEN = 'status-token-123456';

function facts(over: Partial<OutcomeFacts> = {}): OutcomeFacts {
  return {
    event: 'succeeded',
    repo: 'app',
    host: 'web1',
    branch: 'main',
    commit: SHA,
    previousCommit: 'b'.repeat(40),
    status: 'succeeded',
    health: null,
    errorCode: null,
    durationMs: 1234,
    message: 'deployed',
    deploymentId: 7,
    url: 'https://deploy.example.com/app/deployments/7',
    commits: [],
    ...over,
  };
}

/** Per host: a repo url, the API prefix a real server has, and the state words expected for pending/success/failure/error. */
const HOSTS: [CommitStatusProviderName, string, string, string[]][] = [
  ['github', 'https://github.example.com/Acme/App.git', '/api/v3', ['pending', 'success', 'failure', 'error']],
  ['gitlab', 'https://gitlab.example.com/acme/sub/app.git', '/api/v4', ['running', 'success', 'failed', 'failed']],
  ['gitea', 'git@gitea.example.com:acme/app.git', '/api/v1', ['pending', 'success', 'failure', 'error']],
  ['bitbucket-cloud', 'https://bitbucket.org/acme/app.git', '/2.0', ['INPROGRESS', 'SUCCESSFUL', 'FAILED', 'FAILED']],
  ['bitbucket-server', 'https://bb.example.com/scm/ops/app.git', '/rest/build-status/1.0', ['INPROGRESS', 'SUCCESSFUL', 'FAILED', 'FAILED']],
];

describe.each(HOSTS)('%s commit status, checked by a local API in the documented format', (provider, url, prefix, words) => {
  let api: FakeOutcomeApi;
  let target: ResolvedStatusTarget;

  beforeAll(async () => {
    api = await FakeOutcomeApi.start({ provider, prefix, token: TOKEN });
    const resolved = resolveStatusTarget(url, { provider, apiUrl: api.url, token: TOKEN });
    if ('problem' in resolved) throw new Error(resolved.problem);
    target = resolved;
  });
  afterAll(() => api.close());

  const cases: [string, Partial<OutcomeFacts>][] = [
    ['pending at start', { event: 'started', status: 'running', durationMs: null }],
    ['success', {}],
    ['failure (the script failed)', { event: 'failed', status: 'failed', errorCode: 'IG_SCRIPT_FAILED', message: 'deploy script exited with code 1' }],
    ['error (could not start)', { event: 'failed', status: 'failed', errorCode: 'IG_FETCH_FAILED', message: 'fetch failed:\nconnection refused' }],
  ];
  it.each(cases.map((c, i) => [...c, i] as const))('%s', async (_name, over, i) => {
    const update = commitStatusUpdate(facts(over));
    if (!update) throw new Error('no update');
    const sent = await sendHttp(target.provider.request(target.endpoint, update), { timeoutMs: 2000 });
    expect(sent.status).toBeGreaterThanOrEqual(200);
    const req = api.received[api.received.length - 1];
    expect(req.problems).toEqual([]);
    expect(req.body.state).toBe(words[i]);
    const label = req.body.context ?? req.body.name ?? req.body.key;
    expect(label).toBe('integralgit/web1');
    expect(req.body.target_url ?? req.body.url).toBe('https://deploy.example.com/app/deployments/7');
    expect(String(req.body.description)).not.toContain('\n');
  });

  it('posts on the deployed commit of the repo named by the settings url', () => {
    const path = api.received[0].path;
    expect(path).toContain(SHA);
    if (provider === 'gitlab') expect(path).toBe(`/projects/acme%2Fsub%2Fapp/statuses/${SHA}`);
    if (provider === 'github' || provider === 'gitea') expect(path.toLowerCase()).toBe(`/repos/acme/app/statuses/${SHA}`);
    if (provider === 'bitbucket-cloud') expect(path).toBe(`/repositories/acme/app/commit/${SHA}/statuses/build`);
  });
});

describe('several deploy hosts never overwrite each other', () => {
  it('uses one context per host', () => {
    const a = commitStatusUpdate(facts({ host: 'web1' }));
    const b = commitStatusUpdate(facts({ host: 'web2' }));
    expect(a?.context).toBe('integralgit/web1');
    expect(b?.context).toBe('integralgit/web2');
  });
});

describe('a target that fails, hangs or redirects', () => {
  let api: FakeOutcomeApi;
  beforeEach(async () => {
    api = await FakeOutcomeApi.start({ provider: 'github', token: TOKEN });
  });
  afterEach(() => api.close());

  const request = (token = TOKEN) => {
    const r = resolveStatusTarget('https://github.com/acme/app', { apiUrl: api.url, token });
    if ('problem' in r) throw new Error(r.problem);
    return r.provider.request(r.endpoint, commitStatusUpdate(facts()) as NonNullable<ReturnType<typeof commitStatusUpdate>>);
  };
  const failure = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      return err as IntegralGitError;
    }
    throw new Error('expected a failure');
  };

  it('a 500 is retryable and names the origin only', async () => {
    api.mode = 'fail';
    const err = await failure(sendHttp(request(), { timeoutMs: 2000 }));
    expect(err.code).toBe('IG_OUTCOME_SEND_FAILED');
    expect(err.message).toBe(`POST to ${new URL(api.url).origin} answered HTTP 500: {"message":"internal error"}`);
    expect(err.data.permanent).toBe(false);
  });

  it('a refused token is retried (fixing the settings makes the retries succeed) and never repeated', async () => {
    const err = await failure(sendHttp(request('wrong-token-999'), { timeoutMs: 2000, secrets: ['wrong-token-999'] }));
    expect(err.data).toMatchObject({ status: 401, permanent: false });
    expect(err.message).toContain('HTTP 401: {"message":"Bad credentials"}');
    expect(err.message).not.toContain('wrong-token-999');
  });

  it('a request the host cannot take (422) is permanent', async () => {
    const bad = { ...request(), body: JSON.stringify({ state: 'bogus' }) };
    const err = await failure(sendHttp(bad, { timeoutMs: 2000 }));
    expect(err.data).toMatchObject({ status: 422, permanent: true });
  });

  it('the outbox can abort an attempt through its signal', async () => {
    api.mode = 'hang';
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('the dispatcher stopped')), 100);
    const err = await failure(sendHttp(request(), { signal: abort.signal, timeoutMs: 10_000 }));
    expect(err.message).toContain('aborted: the dispatcher stopped');
  });

  it('a hanging target fails the attempt at its time bound', async () => {
    api.mode = 'hang';
    const started = Date.now();
    const err = await failure(sendHttp(request(), { timeoutMs: 300 }));
    expect(err.message).toContain('no answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a redirect is not followed: the token stays with the URL of the settings', async () => {
    const other = await FakeOutcomeApi.start();
    const http = await import('node:http');
    const redirector = http.createServer((_req, res) => res.writeHead(307, { Location: `${other.url}/x` }).end());
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
    try {
      const port = (redirector.address() as { port: number }).port;
      const err = await failure(sendHttp({ ...request(), url: `http://127.0.0.1:${port}/repos/acme/app/statuses/${SHA}` }, { timeoutMs: 2000 }));
      expect(err.message).toContain('redirects are not followed');
      expect(other.received).toHaveLength(0);
    } finally {
      redirector.close();
      await other.close();
    }
  });
});
