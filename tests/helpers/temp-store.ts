import fs from 'node:fs';
import { makeTempDir } from './git-fixture';
import { openStore, type Store } from '../../lib/store';

/**
 * Temp dirs for one test file, removed when it ends. Call at the top level of the file:
 * it registers the `afterAll` that removes them.
 */
export function useTempDirs(prefix = 'ig-store-'): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = makeTempDir(prefix);
    dirs.push(dir);
    return dir;
  };
}

/** A real SQLite store in a fresh temp dir (removed with the file's temp dirs). */
export function useTempStore(prefix = 'ig-store-'): () => { store: Store; dir: string } {
  const tempDir = useTempDirs(prefix);
  return () => {
    const dir = tempDir();
    return { store: openStore(dir), dir };
  };
}
