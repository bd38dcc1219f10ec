import { findRepo, requireRepo } from '../../lib/settings/require-repo';
import type { RepoSettings } from '../../lib/settings/types';

const app = { name: 'app', url: 'https://git.example.com/acme/app.git' } as RepoSettings;
const settings = { repos: { app }, file: '/etc/integralgit/settings.json' };

describe('findRepo / requireRepo: the one repo lookup by name', () => {
  it('finds a configured repo by its exact key', () => {
    expect(findRepo(settings, 'app')).toBe(app);
    expect(requireRepo(settings, 'app')).toBe(app);
  });

  it.each([['APP'], ['ap'], [''], ['constructor'], ['__proto__'], ['toString'], ['hasOwnProperty'], [undefined], [42], [['app']]])('names nothing with %j', (name) => {
    expect(findRepo(settings, name)).toBeUndefined();
  });

  it('refuses an unknown name with IG_REPO_UNKNOWN naming the settings file and the known repos', () => {
    expect(() => requireRepo(settings, 'constructor')).toThrow(/repository `constructor` is not in the settings \(\/etc\/integralgit\/settings.json\); known: app; add it under `repos`/);
  });
});
