import { buildScriptEnv, ScriptEnvOptions } from '../../lib/script/build-script-env';
import { IntegralGitError } from '../../lib/errors';

const integralgit = { repo: 'myapp', branch: 'master', commit: 'c'.repeat(40), previousCommit: '', host: 'web1' };

function build(overrides: Partial<ScriptEnvOptions> = {}): Record<string, string> {
  return buildScriptEnv({
    baseEnv: { PATH: '/usr/bin:/bin', HOME: '/var/lib/integralgit' },
    secretEnvNames: [],
    secretValues: [],
    integralgit,
    configEnv: {},
    ...overrides,
  });
}

describe('buildScriptEnv', () => {
  it('keeps the server environment and sets the five INTEGRALGIT_* variables', () => {
    const env = build({ integralgit: { ...integralgit, previousCommit: 'p'.repeat(40) } });
    expect(env).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/var/lib/integralgit',
      INTEGRALGIT_REPO: 'myapp',
      INTEGRALGIT_BRANCH: 'master',
      INTEGRALGIT_COMMIT: 'c'.repeat(40),
      INTEGRALGIT_PREVIOUS_COMMIT: 'p'.repeat(40),
      INTEGRALGIT_HOST: 'web1',
    });
  });

  it('sets INTEGRALGIT_PREVIOUS_COMMIT to an empty string on a first deployment', () => {
    expect(build().INTEGRALGIT_PREVIOUS_COMMIT).toBe('');
  });

  it('removes variables named by *Env settings', () => {
    const env = build({ baseEnv: { PATH: '/bin', MYAPP_WEBHOOK_SECRET: 'x1', GITHUB_TOKEN: 'x2' }, secretEnvNames: ['MYAPP_WEBHOOK_SECRET', 'GITHUB_TOKEN'] });
    expect(env).not.toHaveProperty('MYAPP_WEBHOOK_SECRET');
    expect(env).not.toHaveProperty('GITHUB_TOKEN');
    expect(env.PATH).toBe('/bin');
  });

  it('removes variables whose value equals or contains a secret value', () => {
    const env = build({
      baseEnv: { PATH: '/bin', COPY: 's3cret-token', URL: 'https://user:s3cret-token@git.example.com/x.git', SAFE: 's3cret' },
      secretValues: ['s3cret-token'],
    });
    expect(env).not.toHaveProperty('COPY');
    expect(env).not.toHaveProperty('URL');
    expect(env.SAFE).toBe('s3cret');
  });

  it('ignores empty secret values (they would match every variable)', () => {
    const env = build({ baseEnv: { PATH: '/bin', A: 'a' }, secretValues: ['', 'zzz'] });
    expect(env.A).toBe('a');
    expect(env.PATH).toBe('/bin');
  });

  it("removes IntegralGit's own variables and git credential plumbing", () => {
    const env = build({
      baseEnv: {
        PATH: '/bin',
        INTEGRALGIT_HOSTNAME: 'other',
        INTEGRALGIT_REPO: 'spoofed',
        GIT_ASKPASS: '/tmp/askpass',
        SSH_ASKPASS: '/tmp/askpass',
        GIT_SSH_COMMAND: 'ssh -i /etc/integralgit/key',
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'http.extraHeader',
        GIT_CONFIG_VALUE_0: 'Authorization: Bearer t',
        GIT_DIR: '/srv/other/.git',
        GIT_PAGER: 'cat',
      },
    });
    expect(Object.keys(env).sort()).toEqual(
      ['GIT_PAGER', 'INTEGRALGIT_BRANCH', 'INTEGRALGIT_COMMIT', 'INTEGRALGIT_HOST', 'INTEGRALGIT_PREVIOUS_COMMIT', 'INTEGRALGIT_REPO', 'PATH'].sort(),
    );
    expect(env.INTEGRALGIT_REPO).toBe('myapp');
  });

  it('skips undefined values of the base environment', () => {
    expect(build({ baseEnv: { PATH: '/bin', GONE: undefined } })).not.toHaveProperty('GONE');
  });

  it('reports the name and reason of each removed variable, never the value', () => {
    const removed: Array<[string, string]> = [];
    build({
      baseEnv: { PATH: '/bin', TOKEN_ENV: 'v1', LEAK: 'has-v2', GIT_ASKPASS: 'a', INTEGRALGIT_X: 'y' },
      secretEnvNames: ['TOKEN_ENV'],
      secretValues: ['v2'],
      onRemoved: (name, reason) => removed.push([name, reason]),
    });
    expect(removed).toEqual([
      ['TOKEN_ENV', 'secret-env-name'],
      ['LEAK', 'secret-value'],
      ['GIT_ASKPASS', 'git-credential-helper'],
      ['INTEGRALGIT_X', 'integralgit'],
    ]);
  });

  it('adds the config env, overriding the server environment', () => {
    const env = build({ configEnv: { NODE_ENV: 'production', PATH: '/opt/node/bin:/bin' } });
    expect(env.NODE_ENV).toBe('production');
    expect(env.PATH).toBe('/opt/node/bin:/bin');
  });

  it("keeps a config env value equal to a secret: the repo author's choice", () => {
    const env = build({ configEnv: { API_KEY: 's3cret' }, secretValues: ['s3cret'] });
    expect(env.API_KEY).toBe('s3cret');
  });

  it('keeps values that look like shell syntax as they are', () => {
    const env = build({ configEnv: { MSG: '$(touch /tmp/pwned); `id`' } });
    expect(env.MSG).toBe('$(touch /tmp/pwned); `id`');
  });

  it.each(['INTEGRALGIT_COMMIT', 'integralgit_repo', 'INTEGRALGIT_NEW'])('refuses a config env key %s', (key) => {
    expect(() => build({ configEnv: { [key]: 'x' } })).toThrow(IntegralGitError);
    try {
      build({ configEnv: { [key]: 'x' } });
    } catch (err) {
      expect((err as IntegralGitError).code).toBe('IG_CONFIG_INVALID');
      expect((err as IntegralGitError).message).toContain(`env.${key}`);
    }
  });

  it.each(['', 'A=B', 'A\0B'])('refuses an invalid config env name %j', (key) => {
    expect(() => build({ configEnv: { [key]: 'x' } })).toThrow(/invalid variable name/);
  });

  it('refuses a config env value with a NUL or of another type', () => {
    expect(() => build({ configEnv: { A: 'x\0y' } })).toThrow(/env\.A/);
    expect(() => build({ configEnv: { A: 1 as unknown as string } })).toThrow(/env\.A/);
  });
});
