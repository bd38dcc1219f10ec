import { IntegralGitError } from '../errors';
import type { RepoSettings } from '../settings/types';
import { normalizeRepoPath, repoMatchKey, repoUrlPath } from '../remote-url';


/**
 * The configured repo a delivery is about. Identities are the payload's clone URLs, web
 * URL and `owner/name`. URLs are compared first, by host and path (repoMatchKey);
 * only when no URL matches is `owner/name` tried, matching a settings URL whose path ends
 * with it (so `group/sub/project` works, and `PROJ/repo` matches Bitbucket Server's
 * `/scm/proj/repo.git`). Undefined when nothing matches; when two repos match equally
 * well the delivery is refused (IG_REPO_UNKNOWN naming both) rather than guessed.
 */
export function matchRepo(identities: string[], repos: Record<string, RepoSettings>): RepoSettings | undefined {
  const entries = Object.values(repos);
  const urls = new Set(identities.map(payloadUrlKey).filter((u): u is string => u !== undefined));
  const byUrl = entries.filter((repo) => {
    const normalized = settingsUrlKey(repo.url);
    return normalized !== undefined && urls.has(normalized);
  });
  if (byUrl.length > 0) return single(byUrl, identities);

  const names = identities
    .filter((id) => payloadUrlKey(id) === undefined && id.includes('/'))
    .map(normalizeRepoPath)
    .filter((n) => n.includes('/'));
  const byName = entries.filter((repo) => {
    const path = repoUrlPath(repo.url);
    return names.some((name) => path === name || path.endsWith(`/${name}`));
  });
  return byName.length > 0 ? single(byName, identities) : undefined;
}

// The settings' URLs are the same on every delivery, and so are the URLs a repo's pushes
// carry (its clone, SSH, git and web URLs): their keys are parsed once (parsing the five
// of a GitHub push was ~6 µs of every delivery). Keyed by the URL itself, so a reload with
// other URLs is never served a stale key; each map is bounded, so payloads naming ever
// new URLs cannot grow memory.
const settingsKeys = new Map<string, string | undefined>();
const payloadKeys = new Map<string, string | undefined>();

function settingsUrlKey(url: string): string | undefined {
  return cachedKey(settingsKeys, url);
}

function payloadUrlKey(url: string): string | undefined {
  return cachedKey(payloadKeys, url);
}

function cachedKey(keys: Map<string, string | undefined>, url: string): string | undefined {
  if (keys.has(url)) return keys.get(url);
  if (keys.size >= 1000) keys.clear();
  const key = repoMatchKey(url);
  keys.set(url, key);
  return key;
}

function single(matches: RepoSettings[], identities: string[]): RepoSettings {
  if (matches.length === 1) return matches[0];
  const names = matches.map((r) => `\`${r.name}\``).join(' and ');
  throw new IntegralGitError(
    'IG_REPO_UNKNOWN',
    `the delivery (${identities.join(', ')}) matches repos ${names} equally well: give them distinct \`url\`s in the settings`,
    { repos: matches.map((r) => r.name) },
  );
}
