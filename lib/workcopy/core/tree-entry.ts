/** One entry of a commit's tree, flattened to a full path (`a/b/c`, `/`-separated). */
export interface TreeEntry {
  path: string;
  /** git mode as written in trees: 100644, 100755, 120000 (symlink), 160000 (submodule), 040000 (tree) */
  mode: string;
  oid: string;
  /** the symlink's target, for mode 120000 */
  linkTarget?: string;
}

export const MODE_FILE = '100644';
export const MODE_EXEC = '100755';
export const MODE_LINK = '120000';
export const MODE_GITLINK = '160000';
export const MODE_TREE = '040000';

export function isTree(e: TreeEntry): boolean {
  return e.mode === MODE_TREE || e.mode === '40000';
}
