import { IntegralGitError } from '../errors';

export interface ScriptEnvOptions {
  /** the server's own environment, usually process.env */
  baseEnv: NodeJS.ProcessEnv;
  /** variables the settings read secrets from (`secretEnv`, `tokenEnv`, …) */
  secretEnvNames: string[];
  /** resolved secret values: webhook secrets, tokens, passwords */
  secretValues: string[];
  integralgit: {
    repo: string;
    branch: string;
    commit: string;
    /** '' on the first deployment */
    previousCommit: string;
    host: string;
  };
  /** `env` from the effective repo config */
  configEnv: Record<string, string>;
  /** the repo's `secrets` from the server settings: the only secrets the script receives, by these names */
  scriptSecrets?: Record<string, string>;
  /** told the name (never the value) of each variable left out, and why */
  onRemoved?: (name: string, reason: ScriptEnvRemovalReason) => void;
}

export type ScriptEnvRemovalReason = 'secret-env-name' | 'secret-value' | 'integralgit' | 'git-credential-helper';

/**
 * Variables IntegralGit (or whoever started it) sets for git: they carry credentials or
 * point git at another repository, so a `git` command in the script would misbehave or
 * leak. GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n can hold `http.extraHeader` tokens.
 */
const GIT_VARIABLES = new Set([
  'GIT_ASKPASS',
  'SSH_ASKPASS',
  'SSH_ASKPASS_REQUIRE',
  'SSH_AUTH_SOCK',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_SSH_VARIANT',
  'GIT_TERMINAL_PROMPT',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_COUNT',
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
]);
const GIT_VARIABLE_PATTERN = /^GIT_CONFIG_(KEY|VALUE)_\d+$/;

const INTEGRALGIT_PREFIX = 'INTEGRALGIT_';

/**
 * The deploy script's whole environment (SPEC §4.4, §8): the server's environment minus
 * its secrets and IntegralGit's own variables, plus INTEGRALGIT_* and the config `env`.
 * The script's output is shown on the history pages, so anything it can read may become
 * public; hence a value is dropped when it merely contains a secret (URLs with tokens).
 */
export function buildScriptEnv(opts: ScriptEnvOptions): Record<string, string> {
  const secretNames = new Set(opts.secretEnvNames);
  const secretValues = opts.secretValues.filter((v) => typeof v === 'string' && v.length > 0);
  const removed = opts.onRemoved ?? (() => undefined);
  const env: Record<string, string> = {};

  for (const [name, value] of Object.entries(opts.baseEnv)) {
    if (value === undefined) continue;
    if (secretNames.has(name)) {
      removed(name, 'secret-env-name');
    } else if (name.toUpperCase().startsWith(INTEGRALGIT_PREFIX)) {
      removed(name, 'integralgit');
    } else if (GIT_VARIABLES.has(name) || GIT_VARIABLE_PATTERN.test(name)) {
      removed(name, 'git-credential-helper');
    } else if (secretValues.some((secret) => value.includes(secret))) {
      removed(name, 'secret-value');
    } else {
      env[name] = value;
    }
  }

  const ig = opts.integralgit;
  env.INTEGRALGIT_REPO = ig.repo;
  env.INTEGRALGIT_BRANCH = ig.branch;
  env.INTEGRALGIT_COMMIT = ig.commit;
  env.INTEGRALGIT_PREVIOUS_COMMIT = ig.previousCommit;
  env.INTEGRALGIT_HOST = ig.host;

  // The config validator refuses these already; checked again because a bad key here
  // would let a pushed config rewrite what the script is told about the deployment.
  for (const [name, value] of Object.entries(opts.configEnv)) {
    if (name.toUpperCase().startsWith(INTEGRALGIT_PREFIX)) {
      throw new IntegralGitError(
        'IG_CONFIG_INVALID',
        `config \`env.${name}\` is not allowed: INTEGRALGIT_* variables are set by IntegralGit itself; rename it in the repo config on the integralgit branch`,
        { key: `env.${name}` },
      );
    }
    if (name === '' || name.includes('=') || name.includes('\0')) {
      throw new IntegralGitError(
        'IG_CONFIG_INVALID',
        `config \`env\` has an invalid variable name ${JSON.stringify(name)}: names cannot be empty or contain "=" or NUL; fix it in the repo config on the integralgit branch`,
        { key: `env.${name}` },
      );
    }
    if (typeof value !== 'string' || value.includes('\0')) {
      throw new IntegralGitError(
        'IG_CONFIG_INVALID',
        `config \`env.${name}\` must be a string without NUL characters; fix it in the repo config on the integralgit branch`,
        { key: `env.${name}` },
      );
    }
    // A config value equal to a secret is the repo author's choice: kept.
    env[name] = value;
  }
  // last: the sysadmin's settings win over a config pushed to the repository
  for (const [name, value] of Object.entries(opts.scriptSecrets ?? {})) env[name] = value;
  return env;
}
