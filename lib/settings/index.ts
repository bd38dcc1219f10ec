// The server settings (SPEC §2): load, validate, resolve; see docs/reference/settings.md.
export { loadSettings, settingsFromObject } from './load-settings';
export { allSecretEnvNames, allSecretValues } from './secret-lists';
export { detectGitBinary, type GitBinary } from './detect-git-binary';
export { RESERVED_REPO_NAMES, repoNameProblem } from './repo-name';
export { DEFAULTS as SETTINGS_DEFAULTS, type ResolveOptions } from './resolve-settings';
export { HOSTNAME_ENV } from './resolve-hostname';
export { settingsSchema } from './schema';
export type { Settings, RepoSettings, RepoAuth, SettingsOverrides, GitBackendName } from './types';
