import fs from 'node:fs/promises';
import path from 'node:path';
import type { RepoSettings } from '../settings/types';
import type { GitBackend } from './core/git-backend';
import type { GitDriver } from './core/git-driver';
import type { IsomorphicDriver } from './isomorphic/isomorphic-backend';
import { NativeDriver } from './native/native-backend';
import { planSync, syncWorkingCopy } from './core/sync-working-copy';

/** The backend chosen by the setting `git`: one sync procedure over the chosen driver. */
export function createBackend(name: 'native' | 'isomorphic'): GitBackend {
  if (name === 'native') return backendFromDriver(new NativeDriver());
  // required only when chosen: it brings isomorphic-git (~10 MB of heap) into a server that never uses it
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { IsomorphicDriver: Driver } = require('./isomorphic/isomorphic-backend') as { IsomorphicDriver: typeof IsomorphicDriver };
  return backendFromDriver(new Driver());
}

export function backendFromDriver(driver: GitDriver): GitBackend {
  // a repo with runAs has its working copy written (and planned) by git running as that user
  const forRepo = (repo: RepoSettings): GitDriver => (repo.runAs && driver.forUser ? driver.forUser(repo.runAs) : driver);
  return {
    name: driver.name,
    remoteHead: async (repo, branch) => {
      driver.assertSupported(repo);
      return driver.remoteHead(repo, branch);
    },
    currentCommit: async (location) => {
      const dotGit = await fs.stat(path.join(location, '.git')).catch(() => null);
      return dotGit?.isDirectory() ? driver.head(location) : null;
    },
    plan: (req) => planSync(forRepo(req.repo), req),
    sync: (req) => syncWorkingCopy(forRepo(req.repo), req),
  };
}
