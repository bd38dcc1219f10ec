import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ServerHarness, SECRET } from '../helpers/server-harness';

/**
 * Bitbucket Server's refs_changed names only hashes: once deployed, the history shows the
 * pushed commits with their messages and authors, read from the fetched repository.
 */
describe('Bitbucket Server pushes get their commits from git', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await ServerHarness.start();
  });
  afterAll(() => h.close());

  it('fills the commit messages after the deployment', async () => {
    await h.pushWebhook('master'); // an earlier deployment: the copy holds history from here
    await h.idle();
    const before = h.repo.head('refs/heads/master');
    const c1 = h.repo.commit({ 'x.txt': '1' }, 'first of two\n\nwith a body');
    const c2 = h.repo.commit({ 'x.txt': '2' }, 'second of two');
    const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/providers/bitbucket-server/refs-changed.json'), 'utf8'));
    fixture.repository.links.clone = [{ href: h.repo.url, name: 'http' }];
    fixture.changes = [{ ref: { id: 'refs/heads/master', displayId: 'master', type: 'BRANCH' }, refId: 'refs/heads/master', fromHash: before, toHash: c2, type: 'UPDATE' }];
    delete fixture.commits;
    const body = JSON.stringify(fixture);
    const sig = crypto.createHmac('sha256', SECRET).update(body).digest('hex');
    const res = await h.post('/update', body, {
      'content-type': 'application/json; charset=utf-8',
      'x-event-key': 'repo:refs_changed',
      'x-request-id': crypto.randomUUID(),
      'x-hub-signature': `sha256=${sig}`,
    });
    expect(res.status).toBe(202);
    await h.idle();
    const event = h.store.listPushEvents('app', { limit: 1 }).items[0];
    expect(event.commitsTruncated).toBe(false);
    const commits = h.store.commitsOfEvent(event.id);
    expect(commits.map((c) => c.id)).toEqual(expect.arrayContaining([c1, c2]));
    expect(commits.find((c) => c.id === c1)?.message).toBe('first of two\n\nwith a body');
    expect(commits.find((c) => c.id === c2)?.authorName).toBe('Test Author');
  });
});
