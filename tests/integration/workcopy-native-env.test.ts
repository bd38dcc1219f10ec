import { execFileSync } from 'node:child_process';
import { networkInvocation, localInvocation, shellQuote } from '../../lib/workcopy/native/native-git-env';
import type { RepoSettings } from '../../lib/settings/types';

const repo = (over: Partial<RepoSettings> = {}): RepoSettings => ({
  name: 'app',
  url: 'http://127.0.0.1:8123/app.git',
  insecure: true,
  pollInterval: 0,
  secretEnvNames: [],
  ...over,
});

/** Ask git's credential machinery, with our overrides, what it would send for `url`. */
function credentialFor(r: RepoSettings, url: string): string {
  const inv = networkInvocation(r);
  const u = new URL(url);
  const input = `protocol=${u.protocol.replace(':', '')}\nhost=${u.host}\npath=${u.pathname.slice(1)}\n\n`;
  try {
    return execFileSync('git', [...inv.config.flatMap((c) => ['-c', c]), 'credential', 'fill'], { env: inv.env, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch {
    return '(nothing: git would have to prompt, and prompts are off)';
  }
}

describe('native git environment', () => {
  it('answers credentials only for the settings URL scheme and host:port', () => {
    const r = repo({ auth: { username: 'deploy', token: 'tok$`"\\en' } });
    expect(credentialFor(r, 'http://127.0.0.1:8123/app.git')).toContain('username=deploy\npassword=tok$`"\\en\n');
    expect(credentialFor(r, 'http://127.0.0.1:8124/app.git')).not.toContain('password=');
    expect(credentialFor(r, 'https://127.0.0.1:8123/app.git')).not.toContain('password=');
    expect(credentialFor(r, 'http://evil.example:8123/app.git')).not.toContain('password=');
  });

  it('takes credentials from the URL when auth is absent, with a default user name', () => {
    expect(credentialFor(repo({ url: 'http://me:tok3n@127.0.0.1:8123/app.git' }), 'http://127.0.0.1:8123/app.git')).toContain('username=me\npassword=tok3n\n');
    expect(credentialFor(repo({ auth: { token: 't' } }), 'http://127.0.0.1:8123/app.git')).toContain('username=x-access-token\npassword=t\n');
  });

  it('puts no secret on the command line and resets the configured helpers', () => {
    const inv = networkInvocation(repo({ auth: { token: 'sekrit' } }));
    expect(inv.config.join(' ')).not.toContain('sekrit');
    expect(inv.config).toContain('credential.helper=');
    expect(inv.config).toContain('http.followRedirects=false');
    expect(inv.secrets).toContain('sekrit');
  });

  it('refuses a token with a line break', () => {
    expect(() => networkInvocation(repo({ auth: { token: 'a\nb' } }))).toThrow(expect.objectContaining({ code: 'IG_SETTINGS_SECRET' }));
  });

  it("drops the service's GIT_* variables and the repo's secret variables, keeping TLS settings", () => {
    const saved = { ...process.env };
    Object.assign(process.env, { GIT_DIR: '/elsewhere', GIT_TRACE: '1', GIT_SSL_CAINFO: '/etc/ca.pem', APP_TOKEN: 'x', KEEP_ME: 'y' });
    try {
      const env = networkInvocation(repo({ secretEnvNames: ['APP_TOKEN'] })).env;
      expect(env.GIT_DIR).toBeUndefined();
      expect(env.GIT_TRACE).toBeUndefined();
      expect(env.GIT_SSL_CAINFO).toBe('/etc/ca.pem');
      expect(env.APP_TOKEN).toBeUndefined();
      expect(env.KEEP_ME).toBe('y');
      expect(env).toMatchObject({ GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', LC_ALL: 'C' });
      expect(localInvocation('/srv').env.GIT_CEILING_DIRECTORIES).toBe('/srv');
    } finally {
      process.env = saved;
    }
  });

  it('builds an ssh command with strict host keys and safely quoted paths', () => {
    const env = networkInvocation(repo({ url: 'git@host:a.git', sshKeyFile: "/etc/ig/deploy key's", knownHostsFile: '/etc/ig/known hosts%' })).env;
    const cmd = env.GIT_SSH_COMMAND as string;
    expect(cmd).toContain('StrictHostKeyChecking=yes');
    expect(cmd).toContain('BatchMode=yes');
    expect(cmd).toContain('IdentitiesOnly=yes');
    // what sh hands to ssh
    const argv = execFileSync('sh', ['-c', `printf '%s\\n' ${cmd.replace(/^ssh /, '')}`], { encoding: 'utf8' }).split('\n');
    expect(argv).toContain("/etc/ig/deploy key's");
    expect(argv).toContain('UserKnownHostsFile="/etc/ig/known hosts%%"');
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });

  it('refuses key paths ssh could not take', () => {
    expect(() => networkInvocation(repo({ sshKeyFile: 'relative/key' }))).toThrow(/sshKeyFile/);
    expect(() => networkInvocation(repo({ knownHostsFile: '/a"b' }))).toThrow(/knownHostsFile/);
  });
});
