import { IntegralGitError } from '../errors';
import type { RepoSettings, Settings } from './types';

/** The settings of a repo named on a command line, in a URL or in a job, or a clear IG_REPO_UNKNOWN. */
export function requireRepo(settings: Pick<Settings, 'repos' | 'file'>, name: string): RepoSettings {
  if (!Object.prototype.hasOwnProperty.call(settings.repos, name)) {
    const known = Object.keys(settings.repos);
    throw new IntegralGitError(
      'IG_REPO_UNKNOWN',
      `repository \`${name.slice(0, 100)}\` is not in the settings (${settings.file}); ${known.length ? `known: ${known.join(', ')}` : 'no repos are configured'}; add it under \`repos\``,
    );
  }
  return settings.repos[name];
}
