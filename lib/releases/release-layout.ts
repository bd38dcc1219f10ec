import path from 'node:path';

/**
 * Where a releases deployment keeps things under `location` (SPEC §10):
 * `releases/<yyyymmddHHMMSS>-<sha12>/` one per deployment, `current` the symlink the app
 * runs from, `shared/` what outlives releases (uploads, `.env`), and `repo.git`, a bare
 * cache every release shares its objects with (a release costs a checkout, not a clone).
 */
export interface ReleaseLayout {
  location: string;
  releases: string;
  current: string;
  shared: string;
  cache: string;
}

export function releaseLayout(location: string): ReleaseLayout {
  return {
    location,
    releases: path.join(location, 'releases'),
    current: path.join(location, 'current'),
    shared: path.join(location, 'shared'),
    cache: path.join(location, 'repo.git'),
  };
}

const NAME = /^(\d{14})-([0-9a-f]{12})$/;

/** `20260107031500-0123456789ab`: UTC time of preparation, then the commit's first 12 hex digits. */
export function releaseName(at: Date, commit: string): string {
  const stamp = at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${stamp}-${commit.slice(0, 12)}`;
}

export function isReleaseName(name: string): boolean {
  return NAME.test(name);
}

/** The sha12 of a release name, or undefined for anything else. */
export function releaseCommitPrefix(name: string): string | undefined {
  return NAME.exec(name)?.[2];
}
