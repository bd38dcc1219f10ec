import { parseRepoConfig } from '../../lib/config/parse-repo-config';
import { resolveHostConfig } from '../../lib/config/merge-layers';

const parse = (configs: unknown, hostgroups?: unknown) => parseRepoConfig(JSON.stringify({ hostgroups, configs }));

describe('repo config: safe-deployment keys (SPEC §10)', () => {
  it('accepts the SPEC example keys and layers them like the others (objects merge, arrays replace)', () => {
    const { config, problems } = parse(
      {
        base: {
          location: '/srv/www/app',
          script: './build.sh',
          activate: 'sudo systemctl reload app',
          healthcheck: { url: 'http://127.0.0.1:3000/health', timeout: 60, interval: 2, expectStatus: 200 },
          releases: { keep: 5, shared: ['storage', '.env'] },
        },
        web: { healthcheck: { timeout: 120 }, releases: { shared: ['uploads'] }, revert: false },
      },
      { web: ['web1'] },
    );
    expect(problems).toEqual([]);
    const eff = resolveHostConfig(config!, 'web1');
    expect(eff.config.healthcheck).toEqual({ url: 'http://127.0.0.1:3000/health', timeout: 120, interval: 2, expectStatus: 200 });
    expect(eff.config.releases).toEqual({ keep: 5, shared: ['uploads'] });
    expect(eff.config.activate).toBe('sudo systemctl reload app');
    expect(eff.config.revert).toBe(false);
    const timeout = eff.provenance.find((p) => p.key === 'healthcheck.timeout');
    expect(timeout).toMatchObject({ layer: 'group:web', overridden: ['base'] });
    expect(eff.provenance.find((p) => p.key === 'releases.shared')).toMatchObject({ value: ['uploads'], layer: 'group:web' });
    expect(eff.provenance.find((p) => p.key === 'activate')).toMatchObject({ layer: 'base' });
  });

  it('leaves the keys out of the effective config when no layer sets them', () => {
    const { config } = parse({ base: { location: '/srv/a' } });
    const eff = resolveHostConfig(config!, 'h');
    expect(eff.config).not.toHaveProperty('healthcheck');
    expect(eff.config).not.toHaveProperty('releases');
    expect(eff.config).not.toHaveProperty('activate');
    expect(eff.config).not.toHaveProperty('revert');
  });

  it.each([
    [{ healthcheck: { url: 'ftp://127.0.0.1/x' } }, '/configs/base/healthcheck/url', /http:\/\/ or https:\/\//],
    [{ healthcheck: { url: 'not a url' } }, '/configs/base/healthcheck/url', /is not a URL/],
    [{ healthcheck: { url: 'http://u:p@127.0.0.1/' } }, '/configs/base/healthcheck/url', /credentials/],
    [{ healthcheck: { command: '' } }, '/configs/base/healthcheck/command', /must not be empty/],
    [{ healthcheck: { interval: 0 } }, '/configs/base/healthcheck/interval', /./],
    [{ healthcheck: { expectStatus: 99 } }, '/configs/base/healthcheck/expectStatus', /./],
    [{ healthcheck: { probe: 'x' } }, '/configs/base/healthcheck/probe', /unknown key "probe"/],
    [{ activate: '' }, '/configs/base/activate', /must not be empty/],
    [{ revert: 'yes' }, '/configs/base/revert', /boolean/],
    [{ releases: { keep: 0 } }, '/configs/base/releases/keep', /./],
    [{ releases: { shared: ['../etc'] } }, '/configs/base/releases/shared/0', /"\.\."/],
    [{ releases: { shared: ['/etc/passwd'] } }, '/configs/base/releases/shared/0', /relative/],
    [{ releases: { shared: ['.git/hooks'] } }, '/configs/base/releases/shared/0', /\.git/],
    [{ releases: { shared: ['./'] } }, '/configs/base/releases/shared/0', /inside the release/],
  ])('refuses %j at its path with a clear message', (layer, path, message) => {
    const { problems } = parse({ base: layer });
    expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(message) })]));
  });
});
