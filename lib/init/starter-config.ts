/**
 * The starter repo config written by `integralgit init`. JSON has no comments, so the
 * explanation lives in `"//"` keys, which the repo-config parser ignores at any level.
 */
export function starterConfig(hostname: string): string {
  const config = {
    '//': [
      'IntegralGit deployment config. Docs: docs/reference/repo-config.md',
      'Effective config for a host = configs.base, then configs.<group> for every hostgroup',
      'containing the host (groups in alphabetical order), then configs.<hostname>.',
      'Keys: location (required to deploy), script, branch (default master), remote',
      '(default origin), env (object), timeout (seconds, default 600).',
      'Protect this branch on your git host: whoever can push here runs code on your servers.',
    ],
    hostgroups: {
      web: [hostname],
    },
    configs: {
      base: {
        location: '/srv/www/myapp',
        script: './deploy.sh',
        branch: 'master',
        remote: 'origin',
        env: {},
        timeout: 600,
      },
      web: {
        '//': 'settings for every host in the "web" group',
      },
    },
  };
  return JSON.stringify(config, null, 2) + '\n';
}
