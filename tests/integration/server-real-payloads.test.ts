import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ServerHarness } from '../helpers/server-harness';
import { hmacHex, signatureHeaders } from '../fixtures/providers/fixture-request';

/**
 * Every delivery of the real-capture corpus (tests/fixtures/real-payloads, SOURCES.md there)
 * replayed against the real server: the body byte for byte, the header set that host sends
 * (SOURCES.md, "Headers and signatures"), signed with the case's secret. Each must end as
 * the host meant it: a push queued, a tag or deletion recorded, a ping answered, an event
 * that is not a push ignored. The queue is stopped: the payloads name public hosts.
 */
const CORPUS = path.join(__dirname, '../fixtures/real-payloads');
const SECRET = 'It5-a-s3cret!';
/** the secret Bitbucket itself signed jenkins-signed_payload.json with (SOURCES.md, JBB) */
const BITBUCKET_CLOUD_REAL = { secret: 'Gkvl$k$wyNpQAF42', signature: 'sha256=f205c729821c6954aff2afe72b965c34015b4baf96ea8ddc2cc44999c014a035' };

type Expect = 'queued' | 'recorded' | 'ping' | 'ignored';
interface Case {
  file: string;
  expect: Expect;
  /** event header value; defaults per host */
  event?: string;
}

const CASES: Case[] = [
  { file: 'github/octokit-push-branch-created.json', expect: 'queued' },
  { file: 'github/octokit-push-branch-created-no-committer-username.json', expect: 'queued' },
  { file: 'github/octokit-push-tag-created.json', expect: 'recorded' },
  { file: 'github/octokit-push-tag-deleted-org.json', expect: 'recorded' },
  { file: 'github/octokit-push-tag-deleted.json', expect: 'recorded' },
  { file: 'github/octokit-push-tag-deleted-installation.json', expect: 'recorded' },
  { file: 'github/octokit-ping-repo.json', expect: 'ping', event: 'ping' },
  { file: 'github/octokit-ping-repo-app.json', expect: 'ping', event: 'ping' },
  { file: 'github/octokit-ping-org.json', expect: 'ping', event: 'ping' },
  { file: 'github/octokit-create-tag.json', expect: 'ignored', event: 'create' },
  { file: 'github/octokit-delete-tag.json', expect: 'ignored', event: 'delete' },
  { file: 'github/ghes35-push-tag-created.json', expect: 'recorded' },
  { file: 'github/ghes35-ping-repo.json', expect: 'ping', event: 'ping' },
  { file: 'github/captured-go-playground-push.json', expect: 'queued' },
  { file: 'github/captured-git-auto-deploy-push.json', expect: 'queued' },
  { file: 'gitea/captured-go-playground-push-event.json', expect: 'queued' },
  { file: 'gitea/captured-go-playground-create-event.json', expect: 'ignored', event: 'create' },
  { file: 'gitea/captured-go-playground-delete-event.json', expect: 'ignored', event: 'delete' },
  { file: 'gogs/docs-push.json', expect: 'queued' },
  { file: 'gogs/go-playground-docs-push-event.json', expect: 'queued' },
  { file: 'gitlab/docs-push-hook.json', expect: 'queued' },
  { file: 'gitlab/docs-tag-push-hook.json', expect: 'recorded', event: 'Tag Push Hook' },
  { file: 'gitlab/docs-system-hook-push.json', expect: 'queued', event: 'System Hook' },
  { file: 'gitlab/docs-system-hook-tag-push.json', expect: 'recorded', event: 'System Hook' },
  { file: 'gitlab/docs-system-hook-repository-update.json', expect: 'ignored', event: 'System Hook' },
  { file: 'gitlab/captured-git-auto-deploy-push.json', expect: 'queued' },
  { file: 'bitbucket-cloud/go-playground-docs-repo-push.json', expect: 'queued' },
  { file: 'bitbucket-cloud/jenkins-annotated_tag_created.json', expect: 'recorded' },
  { file: 'bitbucket-cloud/jenkins-branch_created.json', expect: 'queued' },
  { file: 'bitbucket-cloud/jenkins-branch_deleted.json', expect: 'recorded' },
  { file: 'bitbucket-cloud/jenkins-commit_created.json', expect: 'queued' },
  { file: 'bitbucket-cloud/jenkins-createPayload.json', expect: 'queued' },
  { file: 'bitbucket-cloud/jenkins-multipleChangesPayload.json', expect: 'queued' },
  { file: 'bitbucket-cloud/jenkins-newTagPayload.json', expect: 'recorded' },
  { file: 'bitbucket-cloud/jenkins-signed_payload.json', expect: 'queued' },
  { file: 'bitbucket-cloud/jenkins-tag_created.json', expect: 'recorded' },
  { file: 'bitbucket-cloud/jenkins-tag_deleted.json', expect: 'recorded' },
  { file: 'bitbucket-cloud/jenkins-updatePayload.json', expect: 'queued' },
  // both are branch deletions (toHash 0…0, type DELETE)
  { file: 'bitbucket-server/go-playground-repo-refs-changed.json', expect: 'recorded' },
  { file: 'bitbucket-server/jenkins-annotated_tag_created.json', expect: 'recorded' },
  { file: 'bitbucket-server/jenkins-branch_deleted.json', expect: 'recorded' },
  // a mirror farm's sync of a push the upstream already announced with repo:refs_changed: deploying on it too would deploy twice
  { file: 'bitbucket-server/jenkins-mirrorSynchronized.json', expect: 'ignored', event: 'mirror:repo_synchronized' },
  { file: 'bitbucket-server/jenkins-ping.json', expect: 'ping', event: 'diagnostics:ping' },
  { file: 'bitbucket-server/jenkins-pushPayload.json', expect: 'queued' },
  { file: 'bitbucket-server/jenkins-pushPayload_v10.json', expect: 'queued' },
  { file: 'bitbucket-server/jenkins-signed_payload.json', expect: 'recorded' },
  { file: 'bitbucket-server/jenkins-tag_created.json', expect: 'recorded' },
  { file: 'bitbucket-server/jenkins-tag_deleted.json', expect: 'recorded' },
  { file: 'bitbucket-legacy/gist-orrc-post-service-push.json', expect: 'queued' },
  { file: 'bitbucket-legacy/pastebin-kimmoli-post-service-push.json', expect: 'queued' },
  { file: 'bitbucket-legacy/pastebin-kimmoli-post-service-no-commits.json', expect: 'ignored' },
];

const host = (c: Case): string => c.file.split('/')[0];
const file = (c: Case): Buffer => fs.readFileSync(path.join(CORPUS, c.file));
/** What goes on the wire: the file's bytes, or for the legacy POST service its JSON in a form field `payload`. */
const body = (c: Case): Buffer => (host(c) === 'bitbucket-legacy' ? Buffer.from(`payload=${encodeURIComponent(file(c).toString('utf8'))}`) : file(c));

/** The repository URL the payload names (test-side reading, independent of lib/providers). */
function repoUrl(c: Case): string | undefined {
  const p = JSON.parse(file(c).toString('utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = p.repository;
  switch (host(c)) {
    case 'github':
    case 'gitea':
    case 'gogs':
      return r?.clone_url ?? r?.html_url;
    case 'gitlab':
      return p.project?.git_http_url ?? r?.git_http_url ?? r?.url;
    case 'bitbucket-cloud':
      return r?.links?.html?.href;
    case 'bitbucket-server':
      return (r?.links?.clone as Array<{ href: string; name: string }> | undefined)?.find((l) => l.name === 'http')?.href ?? (r ? `https://bitbucket.example/scm/${r.project.key}/${r.slug}.git` : undefined);
    case 'bitbucket-legacy':
      return `${p.canon_url}${String(r.absolute_url).replace(/\/$/, '')}`;
    default:
      return undefined;
  }
}

const SIGNED = 'bitbucket-cloud/jenkins-signed_payload.json';
/** The repo of Bitbucket's own signed delivery has Bitbucket's secret; every other one ours. */
function secretOf(c: Case): string {
  return repoUrl(c) === repoUrl({ file: SIGNED, expect: 'queued' }) ? BITBUCKET_CLOUD_REAL.secret : SECRET;
}

function headers(c: Case, wrongSecret?: string): Record<string, string> {
  const raw = body(c);
  const SECRET = wrongSecret ?? secretOf(c);
  const id = crypto.randomUUID();
  switch (host(c)) {
    case 'github': {
      const own = c.file.includes('git-auto-deploy');
      if (own) return { 'content-type': 'application/json', 'user-agent': 'GitHub-Hookshot/e4028f5', 'x-github-delivery': id, 'x-github-event': 'push', 'x-hub-signature': `sha1=${hmacHex('sha1', SECRET, raw)}` };
      return { 'content-type': 'application/json', 'user-agent': 'GitHub-Hookshot/044aadd', accept: '*/*', 'x-github-delivery': id, 'x-github-event': c.event ?? 'push', 'x-github-hook-id': '292430182', ...signatureHeaders('github', SECRET, raw) };
    }
    case 'gitea': {
      const event = c.event ?? 'push';
      return { 'content-type': 'application/json', 'user-agent': 'Go-http-client/1.1', 'x-gitea-delivery': id, 'x-gitea-event': event, 'x-gitea-event-type': event, 'x-gogs-delivery': id, 'x-gogs-event': event, 'x-github-delivery': id, 'x-github-event': event, ...signatureHeaders('gitea', SECRET, raw) };
    }
    case 'gogs':
      return { 'content-type': 'application/json', 'user-agent': 'GogsServer', 'x-github-delivery': id, 'x-github-event': 'push', 'x-gogs-delivery': id, 'x-gogs-event': 'push', ...signatureHeaders('gogs', SECRET, raw) };
    case 'gitlab':
      return { 'content-type': 'application/json', 'user-agent': 'GitLab/18.3.0-pre', 'idempotency-key': id, 'x-gitlab-event': c.event ?? 'Push Hook', 'x-gitlab-webhook-uuid': id, 'x-gitlab-event-uuid': id, 'x-gitlab-instance': 'https://gitlab.example.com', 'x-gitlab-token': SECRET };
    case 'bitbucket-cloud': {
      const signed = c.file === SIGNED && wrongSecret === undefined;
      return { 'content-type': 'application/json', 'user-agent': 'Bitbucket-Webhooks/2.0', 'x-attempt-number': '1', 'x-hook-uuid': '{2b4b1a05-9f5a-4c7a-8c3e-0f3e7b2e1a11}', 'x-request-uuid': id, 'x-event-key': c.event ?? 'repo:push', 'x-hub-signature': signed ? BITBUCKET_CLOUD_REAL.signature : `sha256=${hmacHex('sha256', SECRET, raw)}` };
    }
    case 'bitbucket-server':
      return { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Atlassian HttpClient 4.2.0 / Bitbucket-9.5.2 (9005002) / Default', 'x-request-id': id, 'x-event-key': c.event ?? 'repo:refs_changed', 'x-hub-signature': `sha256=${hmacHex('sha256', SECRET, raw)}` };
    case 'bitbucket-legacy':
      // no signature exists: the secret is the password of the hook URL (https://integralgit:SECRET@host/update)
      return { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`integralgit:${SECRET}`).toString('base64')}` };
    default:
      throw new Error(`no header set for ${c.file}`);
  }
}

describe('every real capture through POST /update', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    const byUrl = new Map(CASES.filter((c) => repoUrl(c) !== undefined).map((c) => [repoUrl(c) as string, secretOf(c)]));
    const repos = Object.fromEntries([...byUrl].map(([url, secret], i) => [`r${i}`, { url, secret }]));
    h = await ServerHarness.start({ settings: { repos } });
    await h.server.ctx.queue.stop(0);
  });
  afterAll(() => h?.close());

  it('covers every capture in the corpus', () => {
    const files = fs.readdirSync(CORPUS, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json') && !f.endsWith('.headers.json'));
    expect(files.sort()).toEqual(CASES.map((c) => c.file).sort());
  });

  it.each(CASES.map((c) => [c.file, c.expect, c] as const))('%s → %s', async (_file, expected, c) => {
    const res = await h.post('/update', body(c), headers(c));
    switch (expected) {
      case 'queued':
        expect(res.status).toBe(202);
        expect((res.body.jobs as number[]).length).toBeGreaterThan(0);
        break;
      case 'recorded':
        expect(res.status).toBe(202);
        expect(res.body.jobs).toEqual([]);
        break;
      case 'ping':
        expect(res.status).toBe(200);
        break;
      case 'ignored':
        // docs/reference/http-api.md: a valid event that is not deployed is 202 { ignored }
        expect(res.status).toBe(202);
        expect(res.body.ignored).toBeDefined();
        break;
    }
  });

  it.each(CASES.map((c) => [c.file, c] as const))('%s with another secret → 401, nothing accepted', async (_file, c) => {
    const jobsBefore = h.store.queueDepth();
    const res = await h.post('/update', body(c), headers(c, 'not-the-secret'));
    expect(res.status).toBe(401);
    expect(String(res.body.code)).toMatch(/^IG_SIGNATURE_/);
    expect(h.store.queueDepth()).toBe(jobsBefore);
  });
});
