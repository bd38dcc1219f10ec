import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { IntegralGitError } from '../../lib/errors';
import { sendNotification } from '../../lib/outcomes/notify/send-notification';
import type { OutcomeFacts } from '../../lib/outcomes/types';
import type { EmailTarget } from '../../lib/settings/outcome-types';
import { FakeOutcomeApi } from '../helpers/fake-outcome-api';

const facts: OutcomeFacts = {
  event: 'failed',
  repo: 'app',
  host: 'web1',
  branch: 'main',
  commit: 'c'.repeat(40),
  previousCommit: 'b'.repeat(40),
  status: 'failed',
  health: null,
  errorCode: 'IG_SCRIPT_FAILED',
  durationMs: 900,
  message: 'deploy script exited with code 1',
  deploymentId: 12,
  url: 'https://deploy.example.com/app/deployments/12',
  commits: [{ id: 'c'.repeat(40), message: 'Break the build', author: 'Ann' }],
};

async function failure(p: Promise<unknown>): Promise<IntegralGitError> {
  try {
    await p;
  } catch (err) {
    return err as IntegralGitError;
  }
  throw new Error('expected a failure');
}

describe('webhook target', () => {
  let api: FakeOutcomeApi;
  beforeAll(async () => {
    api = await FakeOutcomeApi.start();
  });
  afterAll(() => api.close());

  it('POSTs the SPEC §9 JSON, signed like GitHub, with the event header', async () => {
    await sendNotification({ type: 'webhook', name: 'ops', on: ['failed'], url: `${api.url}/hook`, secret: 'hmac-key' }, facts, { timeoutMs: 2000, deliveryId: 'msg-1' });
    const req = api.received[0];
    expect(req.problems).toEqual([]);
    expect(req.path).toBe('/hook');
    expect(req.headers['x-integralgit-event']).toBe('failed');
    expect(req.headers['x-integralgit-delivery']).toBe('msg-1');
    const expected = `sha256=${crypto.createHmac('sha256', 'hmac-key').update(req.rawBody).digest('hex')}`;
    expect(req.headers['x-integralgit-signature-256']).toBe(expected);
    expect(req.body).toEqual({
      event: 'failed',
      repo: 'app',
      host: 'web1',
      branch: 'main',
      commit: facts.commit,
      previousCommit: facts.previousCommit,
      status: 'failed',
      health: null,
      errorCode: 'IG_SCRIPT_FAILED',
      message: 'deploy script exited with code 1',
      url: facts.url,
      commits: [{ id: facts.commit, message: 'Break the build', author: 'Ann' }],
    });
  });

  it('a target without a secret gets no signature header', async () => {
    await sendNotification({ type: 'webhook', name: 'plain', on: ['failed'], url: `${api.url}/plain` }, facts, { timeoutMs: 2000, deliveryId: 'msg-2' });
    expect(api.received[1].headers['x-integralgit-signature-256']).toBeUndefined();
  });
});

describe('slack target', () => {
  it('POSTs { text } naming repo, host, status, commit and link; a failure never shows the URL', async () => {
    const api = await FakeOutcomeApi.start();
    try {
      const url = `${api.url}/services/T000/B000/secretpart`;
      await sendNotification({ type: 'slack', name: 'chat', on: ['failed'], url }, facts, { timeoutMs: 2000, deliveryId: 'x' });
      const text = String(api.received[0].body.text);
      expect(Object.keys(api.received[0].body)).toEqual(['text']);
      for (const part of ['app on web1', 'FAILED', 'ccccccc', facts.url as string, 'Break the build (Ann)']) expect(text).toContain(part);
      api.mode = 'fail';
      const err = await failure(sendNotification({ type: 'slack', name: 'chat', on: ['failed'], url }, facts, { timeoutMs: 2000, deliveryId: 'x' }));
      expect(err.message).not.toContain('secretpart');
    } finally {
      await api.close();
    }
  });
});

describe('email target over a real SMTP server', () => {
  interface Mail {
    from: string;
    to: string[];
    data: string;
    user?: string;
  }
  async function smtp(opts: { auth?: boolean; hang?: boolean; starttls?: boolean }) {
    const mails: Mail[] = [];
    const server = new SMTPServer({
      authOptional: !opts.auth,
      disabledCommands: opts.starttls ? [] : ['STARTTLS'],
      ...(opts.auth ? { onAuth: (auth, _s, cb) => (auth.username === 'ig' && auth.password === 'mail-pass' ? cb(null, { user: 'ig' }) : cb(new Error('Invalid username or password'))) } : {}),
      onConnect: (_s, cb) => (opts.hang ? undefined : cb()),
      onData(stream, session, cb) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString()));
        stream.on('end', () => {
          mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data, user: session.user as string | undefined });
          cb();
        });
      },
      logger: false,
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.server.address() as AddressInfo).port;
    return { mails, port, close: () => new Promise<void>((r) => server.close(() => r())) };
  }
  const target = (port: number, extra: Partial<EmailTarget> = {}): EmailTarget => ({
    type: 'email',
    name: 'mail',
    on: ['failed'],
    smtp: `smtp://127.0.0.1:${port}`,
    from: 'integralgit@example.com',
    to: ['ops@example.com', 'dev@example.com'],
    ...extra,
  });

  it('sends subject and text listing the commits, with login', async () => {
    const s = await smtp({ auth: true });
    try {
      await sendNotification(target(s.port, { username: 'ig', password: 'mail-pass' }), facts, { timeoutMs: 3000, deliveryId: 'x' });
      expect(s.mails).toHaveLength(1);
      const mail = s.mails[0];
      expect(mail).toMatchObject({ from: 'integralgit@example.com', to: ['ops@example.com', 'dev@example.com'], user: 'ig' });
      expect(mail.data).toContain('Subject: [IntegralGit] app on web1: deployment FAILED (ccccccc on main)');
      expect(mail.data).toContain('ccccccc Break the build (Ann)');
      expect(mail.data).toContain(facts.url);
    } finally {
      await s.close();
    }
  });

  it('a refused login is permanent and names the server', async () => {
    const s = await smtp({ auth: true });
    try {
      const err = await failure(sendNotification(target(s.port, { username: 'ig', password: 'wrong' }), facts, { timeoutMs: 3000, deliveryId: 'x' }));
      expect(err.code).toBe('IG_OUTCOME_SEND_FAILED');
      expect(err.message).toContain(`SMTP to 127.0.0.1:${s.port} failed`);
      expect(err.data.permanent).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('uses STARTTLS when offered, verifying the certificate', async () => {
    // smtp-server's built-in certificate is self-signed: the upgrade happens and is refused
    const s = await smtp({ starttls: true });
    try {
      const err = await failure(sendNotification(target(s.port), facts, { timeoutMs: 3000, deliveryId: 'x' }));
      expect(err.message).toMatch(/certificate/i);
      expect(s.mails).toHaveLength(0);
    } finally {
      await s.close();
    }
  });

  it('a server that never greets fails the attempt at its time bound', async () => {
    const s = await smtp({ hang: true });
    try {
      const started = Date.now();
      const err = await failure(sendNotification(target(s.port), facts, { timeoutMs: 400, deliveryId: 'x' }));
      expect(err.code).toBe('IG_OUTCOME_SEND_FAILED');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await s.close();
    }
  });
});
