import fs from 'node:fs';
import path from 'node:path';
import { ServerHarness } from '../helpers/server-harness';
import { makeTempDir } from '../helpers/git-fixture';

/** A real deployment: the script receives the repo's `secrets` by name (SPEC §12). */
describe('per-repo secrets reach the deploy script', () => {
  let h: ServerHarness;
  const secretsDir = makeTempDir('ig-secrets-');
  const seen = path.join(secretsDir, 'seen');

  beforeAll(async () => {
    fs.writeFileSync(path.join(secretsDir, 'db'), 'db-secret-value-9f\n');
    h = await ServerHarness.start({
      repo: { secrets: { DB_PASSWORD: { file: path.join(secretsDir, 'db') } } },
      // the value goes to a file, not to the output: this test is about delivery, not masking
      files: { 'deploy.sh': `#!/bin/sh\nprintf '%s' "$DB_PASSWORD" > ${seen}\necho "names: $(env | cut -d= -f1 | grep -c '^DB_PASSWORD$')"\n` },
    });
  });
  afterAll(async () => {
    await h.close();
    fs.rmSync(secretsDir, { recursive: true, force: true });
  });

  it('DB_PASSWORD is in the script environment with the file content', async () => {
    expect((await h.pushWebhook()).status).toBe(202);
    await h.idle();
    const deployment = h.store.listDeployments('app', { limit: 1 }).items[0];
    expect(deployment.status).toBe('succeeded');
    expect(fs.readFileSync(seen, 'utf8')).toBe('db-secret-value-9f');
  });
});
