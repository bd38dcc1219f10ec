import type { Settings } from './types';

/**
 * Every environment variable name the settings read a secret, token, password or git
 * username from. The script runner removes these from a deploy script's environment: the
 * script's output is shown on the pages, so it must never be able to print them.
 */
export function allSecretEnvNames(settings: Settings): string[] {
  const names = new Set(settings.secretEnvNames ?? []);
  for (const repo of Object.values(settings.repos)) for (const n of repo.secretEnvNames) names.add(n);
  return [...names].sort();
}

/**
 * Every resolved secret value (webhook secrets, git tokens, each repo's script `secrets`,
 * admin and readAuth passwords, the trigger token). The script runner drops any variable holding one of them, whatever
 * its name. Git usernames are not included: they are not secret and are often common
 * words that would strip innocent variables.
 */
export function allSecretValues(settings: Settings): string[] {
  const values = new Set<string>();
  const add = (v: string | undefined) => {
    if (v) values.add(v);
  };
  for (const repo of Object.values(settings.repos)) {
    add(repo.secret);
    add(repo.auth?.token);
    for (const v of Object.values(repo.secrets ?? {})) add(v);
  }
  add(settings.admin?.password);
  add(settings.admin?.token);
  add(settings.readAuth?.password);
  add(settings.triggerToken);
  // SPEC §9: status tokens, webhook signing secrets, Slack URLs (the URL is the credential), SMTP passwords
  for (const repo of Object.values(settings.repos)) add(repo.commitStatus?.token);
  for (const target of settings.notify ?? []) {
    if (target.type === 'webhook') add(target.secret);
    if (target.type === 'slack') add(target.url);
    if (target.type === 'email') add(target.password);
  }
  return [...values];
}
