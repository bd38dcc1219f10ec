import fs from 'node:fs';
import path from 'node:path';
import { IntegralGitError } from '../../lib/errors';
import { allSecretEnvNames, allSecretValues, settingsFromObject } from '../../lib/settings/load-settings';
import { buildScriptEnv } from '../../lib/script/build-script-env';
import { removeTempDirs, tempDir } from '../fixtures/settings/write-settings';

afterAll(removeTempDirs);

const url = 'https://git.example.com/acme/app.git';
const load = (raw: unknown, env: NodeJS.ProcessEnv = {}, baseDir = tempDir(), secretsOptional = false) =>
  settingsFromObject(raw, { file: '<test>', baseDir, env, secretsOptional, detectGit: () => ({ found: true }) });

function problems(raw: unknown, env: NodeJS.ProcessEnv = {}): Array<{ path: string; message: string }> {
  try {
    load(raw, env);
  } catch (err) {
    expect((err as IntegralGitError).code).toBe('IG_SETTINGS_INVALID');
    return (err as IntegralGitError).data.problems as Array<{ path: string; message: string }>;
  }
  throw new Error('expected IG_SETTINGS_INVALID');
}

describe('per-repo script secrets (SPEC §12)', () => {
  it('reads each secret from its file or variable, under the name the script will see', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'db'), 'db-pass-from-file\n');
    const s = load({ repos: { app: { url, secret: 'hook', secrets: { DB_PASSWORD: { file: './db' }, API_KEY: { env: 'APP_API_KEY' } } } } }, { APP_API_KEY: 'api-key-from-env' }, dir);
    expect({ ...s.repos.app.secrets }).toEqual({ DB_PASSWORD: 'db-pass-from-file', API_KEY: 'api-key-from-env' });
    expect(allSecretValues(s)).toEqual(expect.arrayContaining(['db-pass-from-file', 'api-key-from-env']));
    expect(allSecretEnvNames(s)).toContain('APP_API_KEY');
  });

  it('refuses a missing file, an unset variable, both sources, none, and INTEGRALGIT_* names', () => {
    const found = problems(
      {
        repos: {
          app: {
            url,
            secret: 'hook',
            secrets: { A: { file: '/nonexistent/a' }, B: { env: 'UNSET_B' }, C: { file: '/x', env: 'X' }, D: {}, INTEGRALGIT_X: { env: 'Y' }, 'bad-name': { env: 'Z' } },
          },
        },
      },
      { Y: 'y', Z: 'z' },
    );
    const at = (p: string) => found.filter((f) => f.path.startsWith(p)).map((f) => f.message).join(' | ');
    expect(at('/repos/app/secrets/A')).toContain('does not exist');
    expect(at('/repos/app/secrets/B')).toContain('UNSET_B is not set');
    expect(at('/repos/app/secrets/C')).toMatch(/\{ "file": "\/path" \} or \{ "env": "VARIABLE" \}/);
    expect(at('/repos/app/secrets/D')).toMatch(/\{ "file": "\/path" \} or \{ "env": "VARIABLE" \}/);
    expect(at('/repos/app/secrets/INTEGRALGIT_X')).toContain('set by IntegralGit itself');
    expect(found.some((f) => f.path.startsWith('/repos/app/secrets') && (f.path + f.message).includes('bad-name'))).toBe(true);
  });

  it('read-only commands: an unset secret variable is recorded, not a problem', () => {
    const s = load({ repos: { app: { url, secret: 'hook', secrets: { B: { env: 'UNSET_B' } } } } }, {}, tempDir(), true);
    expect(s.unresolvedSecrets).toEqual([expect.stringContaining('repos.app.secrets.B.env: environment variable UNSET_B is not set')]);
  });

  it('the script gets its own repo secrets by name, nothing of the variables they came from, and no other repo secret', () => {
    const s = load(
      {
        repos: {
          app: { url, secret: 'hook-a', secrets: { DB_PASSWORD: { env: 'APP_DB' } } },
          other: { url: 'https://git.example.com/acme/other.git', secret: 'hook-b', secrets: { OTHER_TOKEN: { env: 'OTHER_TOKEN_SRC' } } },
        },
      },
      { APP_DB: 'pw-a', OTHER_TOKEN_SRC: 'tok-b' },
    );
    const env = buildScriptEnv({
      baseEnv: { PATH: '/bin', APP_DB: 'pw-a', OTHER_TOKEN_SRC: 'tok-b', COPY: 'x-tok-b-x' },
      secretEnvNames: allSecretEnvNames(s),
      secretValues: allSecretValues(s),
      integralgit: { repo: 'app', branch: 'master', commit: 'c'.repeat(40), previousCommit: '', host: 'web1' },
      configEnv: { DB_PASSWORD: 'from-the-repo-config' },
      scriptSecrets: s.repos.app.secrets,
    });
    expect(env.DB_PASSWORD).toBe('pw-a');
    for (const gone of ['APP_DB', 'OTHER_TOKEN_SRC', 'OTHER_TOKEN', 'COPY']) expect(env[gone]).toBeUndefined();
    expect(Object.values(env)).not.toContain('tok-b');
  });
});
