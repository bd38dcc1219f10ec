import { runCli } from '../helpers/run-cli';

/** `integralgit demo` is the README's first command: it must work with nothing set up, twice in a row too. */
describe('integralgit demo', () => {
  it('deploys a pushed commit and prints the history page URL, on a free port when asked for one', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await runCli(['demo', '--once', '--port', '0'], { timeoutMs: 120_000 });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/POST \/update → 202/);
      expect(r.stdout).toMatch(/deployment #1 succeeded at [0-9a-f]{12}/);
      expect(r.stdout).toMatch(/History page: http:\/\/127\.0\.0\.1:\d+\/demo-app/);
    }
  });
});
