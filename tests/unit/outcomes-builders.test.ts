import crypto from 'node:crypto';
import { resolveStatusTarget } from '../../lib/outcomes/commit-status/resolve-endpoint';
import { statusProviderForWebhook } from '../../lib/outcomes/commit-status/registry';
import { describeForStatus, oneLine, statusState } from '../../lib/outcomes/commit-status/status-update';
import { finishedEvents } from '../../lib/outcomes/notify/failure-dedupe';
import { plainText, MAX_LISTED_COMMITS } from '../../lib/outcomes/notify/outcome-text';
import { selectTargets } from '../../lib/outcomes/notify/select-targets';
import { slackText } from '../../lib/outcomes/notify/slack';
import { signBody, webhookBody } from '../../lib/outcomes/notify/webhook';
import type { OutcomeFacts } from '../../lib/outcomes/types';
import type { NotifyTarget } from '../../lib/settings/outcome-types';

const facts = (over: Partial<OutcomeFacts> = {}): OutcomeFacts => ({
  event: 'failed',
  repo: 'app',
  host: 'web1',
  branch: 'main',
  commit: 'c'.repeat(40),
  previousCommit: null,
  status: 'failed',
  health: null,
  errorCode: 'IG_SCRIPT_FAILED',
  durationMs: 2000,
  message: 'deploy script exited with code 1',
  deploymentId: 3,
  url: 'https://deploy.example.com/app/deployments/3',
  commits: [{ id: 'c'.repeat(40), message: 'Fix <b> & stuff\n\nbody', author: 'Ann' }],
  ...over,
});

describe('apiUrl derived from the repo url (SPEC §9)', () => {
  const api = (url: string, provider?: Parameters<typeof resolveStatusTarget>[1]['provider'], webhook?: string) => {
    const r = resolveStatusTarget(url, { token: 't', ...(provider ? { provider } : {}) }, webhook);
    return 'problem' in r ? r.problem : `${r.provider.name} ${r.endpoint.apiUrl} ${r.endpoint.repoPath}`;
  };
  it.each([
    ['https://github.com/acme/app.git', undefined, undefined, 'github https://api.github.com acme/app'],
    ['git@ghe.example.com:acme/app.git', 'github', undefined, 'github https://ghe.example.com/api/v3 acme/app'],
    ['https://gitlab.com/group/sub/app.git', undefined, undefined, 'gitlab https://gitlab.com/api/v4 group/sub/app'],
    ['https://git.example.com/acme/app', undefined, 'forgejo', 'gitea https://git.example.com/api/v1 acme/app'],
    ['https://codeberg.org/acme/app', undefined, undefined, 'gitea https://codeberg.org/api/v1 acme/app'],
    ['git@bitbucket.org:acme/app.git', undefined, undefined, 'bitbucket-cloud https://api.bitbucket.org/2.0 acme/app'],
    ['https://bb.example.com/bitbucket/scm/ops/app.git', 'bitbucket-server', undefined, 'bitbucket-server https://bb.example.com/bitbucket/rest/build-status/1.0 bitbucket/scm/ops/app'],
    ['ssh://git@bb.example.com:7999/ops/app.git', undefined, 'bitbucket-server', 'bitbucket-server https://bb.example.com/rest/build-status/1.0 ops/app'],
  ] as const)('%s (%s, webhooks from %s)', (url, provider, webhook, expected) => {
    expect(api(url, provider, webhook)).toBe(expected);
  });
  it('the settings provider wins over the webhooks', () => {
    expect(api('https://github.com/acme/app', 'gitea', 'github')).toMatch(/^gitea /);
  });
  it('an unknown host with no webhook yet asks for the provider', () => {
    expect(resolveStatusTarget('https://git.example.com/acme/app', { token: 't' })).toMatchObject({ providerUnknown: true, problem: expect.stringContaining('set "provider"') });
    expect(statusProviderForWebhook('generic')).toBeUndefined();
    expect(statusProviderForWebhook('__proto__')).toBeUndefined();
  });
});

describe('status state and description', () => {
  it.each([
    [{ event: 'started', status: 'running', errorCode: null }, 'pending'],
    [{ event: 'succeeded', status: 'succeeded', errorCode: null }, 'success'],
    [{ event: 'failed', status: 'failed', errorCode: 'IG_SCRIPT_TIMEOUT' }, 'failure'],
    [{ event: 'failed', status: 'failed', errorCode: 'IG_WORKCOPY_DIRTY' }, 'error'],
  ] as const)('%j → %s', (f, state) => {
    expect(statusState(f)).toBe(state);
  });
  it('is one line of at most 140 characters', () => {
    const d = describeForStatus(facts({ message: `line one\nline two ${'x'.repeat(300)}` }));
    expect(d).not.toContain('\n');
    expect(d.length).toBeLessThanOrEqual(140);
    expect(d.startsWith('Deployment failed on web1: line one line two')).toBe(true);
    expect(oneLine('  a \n b  ')).toBe('a b');
    expect(describeForStatus(facts({ event: 'succeeded', status: 'succeeded', errorCode: null }))).toBe('Deployed on web1 in 2.0 s');
  });
});

describe('notification messages', () => {
  it('webhook body carries the fields of SPEC §9, signed over the exact bytes', () => {
    const body = webhookBody(facts());
    expect(Object.keys(body)).toEqual(['event', 'repo', 'host', 'branch', 'commit', 'previousCommit', 'status', 'health', 'errorCode', 'message', 'url', 'commits']);
    expect(signBody('k', '{}')).toBe('sha256=' + crypto.createHmac('sha256', 'k').update('{}').digest('hex'));
  });
  it('slack text escapes what Slack would read as markup and links the deployment', () => {
    const text = slackText(facts());
    expect(text).toContain('Fix &lt;b&gt; &amp; stuff (Ann)');
    expect(text).toContain('<https://deploy.example.com/app/deployments/3|deployment #3>');
    expect(text.split('\n')[0]).toBe('*app on web1: deployment FAILED (ccccccc on main)*');
  });
  it('plain text lists the commits, at most 10', () => {
    const many = Array.from({ length: 13 }, (_, i) => ({ id: String(i).padStart(40, '0'), message: `commit ${i}`, author: 'A' }));
    const text = plainText(facts({ commits: many }));
    expect(text.match(/commit \d+/g)).toHaveLength(MAX_LISTED_COMMITS);
    expect(text).toContain('… and 3 more commits');
  });
});

describe('who is told what', () => {
  it('de-duplicates failures until a success, which is recovered', () => {
    let state: ReturnType<typeof finishedEvents>['next'];
    const seen: string[][] = [];
    for (const status of ['failed', 'failed', 'skipped', 'failed', 'succeeded', 'succeeded', 'failed']) {
      const r = finishedEvents(state, status);
      seen.push(r.events);
      state = r.next;
    }
    expect(seen).toEqual([['failed'], [], [], [], ['recovered', 'succeeded'], ['succeeded'], ['failed']]);
  });
  it('selects by repo and event, one event per target', () => {
    const t = (name: string, on: NotifyTarget['on'], repos?: string[]): NotifyTarget => ({ type: 'slack', name, url: 'https://x', on, ...(repos ? { repos } : {}) });
    const targets = [t('all', ['succeeded', 'recovered']), t('only-ok', ['succeeded']), t('other-repo', ['recovered'], ['web']), t('fails', ['failed'])];
    expect(selectTargets(targets, 'app', ['recovered', 'succeeded']).map((s) => `${s.target.name}:${s.event}`)).toEqual(['all:recovered', 'only-ok:succeeded']);
  });
});
