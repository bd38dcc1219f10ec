import path from 'node:path';
import { IntegralGitError } from '../../errors';
import type { RepoSettings } from '../../settings/types';
import { isHttpUrl, isSshUrl, stripCredentials, urlCredentials } from '../../remote-url';

/**
 * The environment and `-c` overrides every native git command runs with.
 *
 * - The service's own `GIT_*` variables are dropped (a `GIT_DIR` inherited from a hook, or
 *   `GIT_TRACE`/`GIT_CURL_VERBOSE` that would print credentials), except the TLS and
 *   config-location ones a sysadmin sets on purpose. System and global git config are
 *   read (proxies, CA bundles); what matters for safety is overridden per command below.
 * - Credentials (HTTPS) go through a credential helper given inline with `-c`: it reads the
 *   secret from this process's environment and answers only for the settings URL's scheme,
 *   host:port and path (another repository on the same host, e.g. a submodule, gets
 *   nothing), so nothing is written to disk, `.git/config` or a command line, and a
 *   request to any other host gets nothing. Configured helpers are reset so that none of
 *   them stores the token. Redirects are not followed at all: the URL fetched is the
 *   settings' one.
 * - SSH: batch mode, strict host key checking, the deploy key and known_hosts file from
 *   the settings.
 */
const KEEP_GIT_VARS = /^GIT_(SSL_|PROXY_SSL_|HTTP_PROXY_AUTHMETHOD$|CONFIG_GLOBAL$|CONFIG_SYSTEM$|CONFIG_NOSYSTEM$|EXEC_PATH$)/;

const BASE_CONFIG = [
  'core.protectNTFS=true',
  'core.protectHFS=true',
  'protocol.ext.allow=never',
  'protocol.file.allow=user',
  'submodule.recurse=false',
  'gc.autoDetach=false',
  'advice.detachedHead=false',
];

// credential.useHttpPath makes git send the repository path too: a submodule on the same
// host (`../secret.git`) is another path and gets nothing (issue 10 item 9)
const CREDENTIAL_HELPER =
  '!f() { test "$1" = get || exit 0; p=; h=; r=; ' +
  'while IFS= read -r l; do case "$l" in protocol=*) p=${l#protocol=};; host=*) h=${l#host=};; path=*) r=${l#path=};; esac; done; ' +
  'if [ -n "$INTEGRALGIT_CRED_PASSWORD" ] && [ "$p" = "$INTEGRALGIT_CRED_PROTOCOL" ] && [ "$h" = "$INTEGRALGIT_CRED_HOST" ] && [ "$r" = "$INTEGRALGIT_CRED_PATH" ]; then ' +
  'printf "username=%s\\npassword=%s\\n" "$INTEGRALGIT_CRED_USERNAME" "$INTEGRALGIT_CRED_PASSWORD"; fi; }; f';

export interface GitInvocation {
  /** `-c key=value` pairs to put before the subcommand */
  config: string[];
  env: NodeJS.ProcessEnv;
  /** values to scrub from any message built from git's output */
  secrets: string[];
}

export function baseGitEnv(repo?: RepoSettings): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const drop = new Set(repo?.secretEnvNames ?? []);
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('GIT_') && !KEEP_GIT_VARS.test(k)) continue;
    if (k.startsWith('INTEGRALGIT_CRED_') || k === 'SSH_ASKPASS' || drop.has(k)) continue;
    env[k] = v;
  }
  env.LC_ALL = 'C';
  env.LANGUAGE = 'C';
  env.GIT_TERMINAL_PROMPT = '0';
  // an empty GIT_ASKPASS stops git from falling back to core.askPass or SSH_ASKPASS
  env.GIT_ASKPASS = '';
  return env;
}

/** For commands that only read the local repository. */
export function localInvocation(ceiling?: string): GitInvocation {
  const env = baseGitEnv();
  if (ceiling) env.GIT_CEILING_DIRECTORIES = ceiling;
  return { config: [...BASE_CONFIG], env, secrets: [] };
}

/** For commands that talk to the repository's remote (clone, fetch, ls-remote, submodule update). */
export function networkInvocation(repo: RepoSettings, ceiling?: string): GitInvocation {
  const env = baseGitEnv(repo);
  if (ceiling) env.GIT_CEILING_DIRECTORIES = ceiling;
  const config = [...BASE_CONFIG, 'http.followRedirects=false', 'credential.helper=', 'http.lowSpeedLimit=1', 'http.lowSpeedTime=120'];
  const secrets: string[] = [];
  if (isHttpUrl(repo.url)) {
    const fromUrl = urlCredentials(repo.url);
    const password = repo.auth?.token ?? fromUrl.password;
    if (password) {
      const username = repo.auth?.username ?? fromUrl.username ?? 'x-access-token';
      if (/[\n\r\0]/.test(password) || /[\n\r\0]/.test(username)) {
        throw new IntegralGitError('IG_SETTINGS_SECRET', `the credentials of repo \`${repo.name}\` contain a line break: check \`repos.${repo.name}.auth\``, {
          repo: repo.name,
        });
      }
      const u = new URL(stripCredentials(repo.url));
      env.INTEGRALGIT_CRED_PROTOCOL = u.protocol.replace(/:$/, '');
      env.INTEGRALGIT_CRED_HOST = u.host;
      env.INTEGRALGIT_CRED_PATH = decodeURIComponent(u.pathname.replace(/^\//, ''));
      env.INTEGRALGIT_CRED_USERNAME = username;
      env.INTEGRALGIT_CRED_PASSWORD = password;
      config.push(`credential.helper=${CREDENTIAL_HELPER}`, 'credential.useHttpPath=true');
      secrets.push(password, encodeURIComponent(password), Buffer.from(`${username}:${password}`).toString('base64'));
    }
  }
  env.GIT_SSH_COMMAND = sshCommand(repo);
  if (isSshUrl(repo.url)) env.GIT_SSH_VARIANT = 'ssh';
  return { config, env, secrets };
}

function sshCommand(repo: RepoSettings): string {
  const args = ['ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', 'ConnectTimeout=30', '-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=4'];
  if (repo.sshKeyFile) args.push('-i', sshPath(repo.sshKeyFile, 'sshKeyFile', repo), '-o', 'IdentitiesOnly=yes');
  if (repo.knownHostsFile) args.push('-o', `UserKnownHostsFile="${sshPath(repo.knownHostsFile, 'knownHostsFile', repo)}"`);
  return args.map(shellQuote).join(' ');
}

/** ssh expands `%` tokens in file names, and a `"` cannot be quoted in an ssh option value. */
function sshPath(p: string, setting: string, repo: RepoSettings): string {
  if (/["\n\r\0]/.test(p) || !path.isAbsolute(p)) {
    throw new IntegralGitError('IG_SETTINGS_INVALID', `\`repos.${repo.name}.${setting}\` must be an absolute path without quotes or line breaks (got ${JSON.stringify(p)})`, {
      repo: repo.name,
      setting,
    });
  }
  return p.replace(/%/g, '%%');
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
