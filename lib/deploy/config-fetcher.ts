import type { ConfigBranchFetcher } from '../config/fetch-config-branch';
import { detectGitBinary } from '../settings/load-settings';
import type { Settings } from '../settings/types';
import { nativeConfigFetcher } from '../workcopy/native/native-fetch-ref';

/**
 * SSH and local remotes need the git binary, whichever working-copy backend is chosen.
 * With the native backend configured, HTTP(S) remotes are read with git too (the same
 * fetch rules as the working copy, and isomorphic-git never loads); with the isomorphic
 * backend they are read in-process.
 */
export function configFetchOptions(settings: Pick<Settings, 'git'>): { nativeFetcher?: ConfigBranchFetcher; nativeForHttp: boolean } {
  const nativeFetcher = detectGitBinary().found ? nativeConfigFetcher : undefined;
  return { nativeFetcher, nativeForHttp: Boolean(nativeFetcher) && settings.git === 'native' };
}
