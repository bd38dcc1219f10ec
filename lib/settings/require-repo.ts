import { IntegralGitError } from '../errors';
import type { RepoSettings, Settings } from './types';

/**
 * The one answer to "is this repository configured?" for a name from a URL, a command
 * line, a job, an event or a payload (the generic trigger's `repo`): exact case, and only
 * the settings' own keys (`constructor` or `__proto__` in a URL names nothing).
 * Matching a delivery by its clone URLs is a different question: lib/webhooks/match-repo.ts.
 */
export function findRepo(settings: Pick<Settings, 'repos'>, name: unknown): RepoSettings | undefined {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(settings.repos, name) ? settings.repos[name] : undefined;
}

/** The settings of a repo named on a command line, in a URL or in a job, or a clear IG_REPO_UNKNOWN. */
export function requireRepo(settings: Pick<Settings, 'repos' | 'file'>, name: string): RepoSettings {
  const repo = findRepo(settings, name);
  if (repo === undefined) {
    const known = Object.keys(settings.repos);
    throw new IntegralGitError(
      'IG_REPO_UNKNOWN',
      `repository \`${name.slice(0, 100)}\` is not in the settings (${settings.file}); ${known.length ? `known: ${known.join(', ')}` : 'no repos are configured'}; add it under \`repos\``,
    );
  }
  return repo;
}
