import fs from 'node:fs';
import path from 'node:path';
import { IntegralGitError } from '../../errors';

/**
 * Refuse a `location` outside every allowed root (SPEC §2, §8: the repo config can never
 * widen what the settings allow). The check runs on the real path of the nearest existing
 * ancestor, so a symlink inside a root that points elsewhere does not smuggle a deployment
 * out. A root itself is refused as well: deploying there would claim the whole root.
 * Returns the location with every existing part resolved through its symlinks.
 */
export function assertLocationAllowed(location: string, allowedRoots: string[]): string {
  const roots = allowedRoots.map(realpathOrResolved);
  const rootList = allowedRoots.join(', ') || '(none)';
  const fail = (why: string, resolved?: string): never => {
    throw new IntegralGitError(
      'IG_LOCATION_FORBIDDEN',
      `location ${location} ${why}; allowed roots: ${rootList}. ` +
        'Change `location` in the repo config, or add a root to `allowedRoots` in the server settings.',
      { location, resolved, allowedRoots },
    );
  };
  if (!path.isAbsolute(location)) fail('is not an absolute path');
  const resolved = resolveExistingPrefix(path.resolve(location));
  const via = resolved !== path.resolve(location) ? ` (it resolves to ${resolved} through a symlink)` : '';
  if (roots.some((root) => resolved === root)) fail(`is an allowed root itself${via}: deploy into a directory inside it`, resolved);
  if (!roots.some((root) => isInside(resolved, root))) fail(`is outside every allowed root${via}`, resolved);
  return resolved;
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel);
}

function realpathOrResolved(p: string): string {
  return resolveExistingPrefix(path.resolve(p));
}

/**
 * realpath of the nearest existing ancestor, with the part that does not exist yet appended.
 * A dangling symlink is followed by hand: creating the directory later would land at its target.
 */
function resolveExistingPrefix(abs: string, hops = 0): string {
  const tail: string[] = [];
  let current = abs;
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(current), ...tail.reverse());
    } catch {
      const link = readlinkOrNull(current);
      if (link !== null && hops < 40) {
        const base = fs.realpathSync.native(path.dirname(current));
        return path.join(resolveExistingPrefix(path.resolve(base, link), hops + 1), ...tail.reverse());
      }
      const parent = path.dirname(current);
      if (parent === current) return abs;
      tail.push(path.basename(current));
      current = parent;
    }
  }
}

function readlinkOrNull(p: string): string | null {
  try {
    return fs.readlinkSync(p);
  } catch {
    return null;
  }
}
