import { IntegralGitError } from '../../errors';
import type { RepoSettings } from '../../settings/types';
import { stripCredentials } from '../../remote-url';

/**
 * Turn a failed clone/fetch/ls-remote into IG_FETCH_FAILED with the setting to check.
 * `detail` is git's (or isomorphic-git's) own account, already scrubbed of secrets.
 */
export function fetchFailed(repo: RepoSettings, what: string, detail: string, branch?: string): IntegralGitError {
  const url = stripCredentials(repo.url);
  const r = `repos.${repo.name}`;
  let hint = `check that ${url} is reachable from this host and \`${r}.url\` is right`;
  if (/could not lock config file|Unable to create '[^']*\.lock': File exists|cannot lock ref/i.test(detail)) {
    hint = `another git process was writing in this working copy at the same time (a deployment by another IntegralGit server with another dataDir, or a git command run by hand); retry when it has finished`;
  } else if (/ECONNREFUSED|Connection refused|Couldn't connect to server/i.test(detail)) {
    hint = `connection refused: nothing answers at ${hostOf(url)} (is the git host up, the port in \`${r}.url\` right, a firewall in the way?)`;
  } else if (/Could not resolve host|ENOTFOUND|EAI_AGAIN|Name or service not known|Temporary failure in name resolution/i.test(detail)) {
    hint = `the host name in \`${r}.url\` does not resolve on this host (DNS): check the name, and /etc/resolv.conf or a proxy setting`;
  } else if (/ETIMEDOUT|timed out|Connection timeout/i.test(detail)) {
    hint = `the connection to ${hostOf(url)} timed out: check the network path (firewall, proxy) from this host`;
  } else if (/could not read (Username|Password)|Authentication failed|error: 40[13]\b|\b40[13]\b.*(Unauthorized|Forbidden)|HttpError: HTTP Error: 40[13]/i.test(detail)) {
    hint = `authentication failed: check the token in \`${r}.auth\` (and that it may read the repository)`;
  } else if (/error: 30[1278]\b|\bredirect/i.test(detail)) {
    hint = `the server answered with a redirect, and IntegralGit fetches only the URL in the settings (credentials never follow a redirect): set \`${r}.url\` to the repository's current address`;
  } else if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No .* host key is known/i.test(detail)) {
    hint = `the SSH host key of the server is unknown or changed: add the right key to \`${r}.knownHostsFile\` (or the service user's ~/.ssh/known_hosts), e.g. from \`ssh-keyscan\` checked against the git host's published fingerprints`;
  } else if (/Permission denied \(publickey|Load key .*: (invalid format|Permission denied|No such file)|no such identity/i.test(detail)) {
    hint = `the SSH server refused the deploy key: check \`${r}.sshKeyFile\` (readable by the service user, no passphrase) and that its public key is a deploy key of the repository`;
  } else if (branch && /couldn't find remote ref|Remote branch .* not found|Could not find .*refs\/heads|NotFoundError/i.test(detail)) {
    hint = `branch \`${branch}\` does not exist on ${url}: check \`branch\` in the repo config`;
  } else if (/not found|does not appear to be a git repository|error: 404\b|\b404\b/i.test(detail)) {
    hint = `no repository at ${url}: check \`${r}.url\``;
  }
  return new IntegralGitError('IG_FETCH_FAILED', `${what} failed: ${hint}. (${detail.trim() || 'no details'})`, {
    repo: repo.name,
    url,
    branch,
  });
}

/** host[:port] of a URL or scp-like address, for a message; the whole URL when it does not parse. */
function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return /^[^@]+@([^:]+):/.exec(url)?.[1] ?? url;
  }
}
