import type { CommitStatusProviderName } from '../../settings/outcome-types';
import type { OutgoingRequest } from '../types';

/** IntegralGit's own vocabulary; each provider maps it to the host's. */
export type StatusState = 'pending' | 'success' | 'failure' | 'error';

/** A repository on a git host: `host` lowercased, `path` like `acme/myapp` or `group/sub/project`. */
export interface RepoCoordinates {
  host: string;
  path: string;
}

/** Where and as whom statuses are posted for one repo. */
export interface StatusEndpoint {
  apiUrl: string;
  repoPath: string;
  token: string;
  username?: string;
}

export interface CommitStatusUpdate {
  sha: string;
  state: StatusState;
  /** `integralgit/<host>`: one per deploy host, so hosts never overwrite each other */
  context: string;
  /** one line */
  description: string;
  targetUrl?: string;
  /** the branch deployed (GitLab attaches the status to the pipeline of that ref) */
  ref?: string;
}

/**
 * One git host's commit-status API. Adding a host = one file + one registry line.
 * Pure: builds the request, never sends it.
 */
export interface CommitStatusProvider {
  name: CommitStatusProviderName;
  /** the API base for a repo on this host when the settings give no `apiUrl` */
  defaultApiUrl(repo: RepoCoordinates): string;
  /** why this repo path cannot be addressed on this host (e.g. GitHub wants owner/name), or undefined */
  pathProblem(repoPath: string): string | undefined;
  request(endpoint: StatusEndpoint, update: CommitStatusUpdate): OutgoingRequest;
}
