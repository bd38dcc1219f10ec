/**
 * Repo names become the first segment of the server's URLs (`/myapp`, `/api/repos/myapp`),
 * so they must be URL-safe and must not shadow a route or a static folder. Express matches
 * routes case-insensitively, hence the case-insensitive comparison.
 */
export const RESERVED_REPO_NAMES = [
  'update',
  'api',
  'healthz',
  'metrics',
  'deliveries',
  'fleet',
  'static',
  'assets',
  'public',
  'favicon.ico',
  'robots.txt',
] as const;

const URL_SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_NAME_LENGTH = 100;

export function repoNameProblem(name: string): string | undefined {
  const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name;
  if (name === '') return 'a repo name must not be empty';
  if (name.length > MAX_NAME_LENGTH) return `repo name "${shown}" is longer than ${MAX_NAME_LENGTH} characters`;
  if (!URL_SAFE.test(name) || name === '.' || name === '..') {
    return `repo name "${shown}" is not URL-safe: use letters, digits, ".", "_" and "-", starting with a letter or digit`;
  }
  const reserved = RESERVED_REPO_NAMES.find((r) => r === name.toLowerCase());
  if (reserved) return `repo name "${name}" collides with the server's route /${reserved}; choose another name (it only appears in this server's URLs)`;
  return undefined;
}
