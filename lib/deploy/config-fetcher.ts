import type { ConfigBranchFetcher } from '../config/fetch-config-branch';
import { detectGitBinary } from '../settings/load-settings';
import { nativeConfigFetcher } from '../workcopy/native/native-fetch-ref';

/**
 * The config branch of an HTTP(S) remote is read in-process with isomorphic-git; SSH and
 * local remotes need the git binary, whichever working-copy backend is chosen.
 */
export function nativeConfigFetcherIfAvailable(): ConfigBranchFetcher | undefined {
  return detectGitBinary().found ? nativeConfigFetcher : undefined;
}
