import { ServerHarness } from '../helpers/server-harness';
import { fakeSha, seedPush } from '../browser/helpers/seed-history';

describe('repo and deployment pages: config changes apart, compare links', () => {
  let h: ServerHarness;
  let codeDeployment: number;
  let prev: string;
  let next: string;
  beforeAll(async () => {
    h = await ServerHarness.start();
    const { store } = h;
    prev = fakeSha();
    next = fakeSha();
    codeDeployment = seedPush(store, 'app', 'web1', {
      commits: [{ id: next, message: 'ship it', url: `https://github.com/acme/app/commit/${next}` }],
      deployment: { status: 'succeeded', previousCommit: prev },
    }).deploymentId!;
    seedPush(store, 'app', 'web1', {
      branch: 'integralgit',
      commits: [{ message: 'config: timeout 300' }],
      deployment: { status: 'succeeded', trigger: 'config', commit: next, previousCommit: next },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a code deployment links the changes between the previous and the deployed commit on the host', async () => {
    const compare = `href="https://github.com/acme/app/compare/${prev}...${next}"`;
    expect((await h.get('/app')).text).toContain(compare);
    expect((await h.get(`/app/deployments/${codeDeployment}`)).text).toContain(compare);
  });

  it('a push to the config branch and what it ran are shown as a config change', async () => {
    const text = (await h.get('/app')).text;
    expect(text).toContain('<li class="push push-config">');
    expect(text).toMatch(/<li class="deploy-row deploy-config" data-id="\d+">/);
    expect(text.match(/>config change</g)?.length).toBeGreaterThanOrEqual(3);
  });
});
