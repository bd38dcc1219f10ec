import path from 'node:path';
import { configCacheDir } from '../../lib/config/config-cache';

describe('configCacheDir', () => {
  it('is <dataDir>/cache/<repo>.git', () => {
    expect(configCacheDir('/var/lib/integralgit', 'myapp')).toBe('/var/lib/integralgit/cache/myapp.git');
  });

  it.each(['../etc', 'a/b', 'my repo', '.hidden', 'x.lock', ''])('maps the odd name %j to one file inside the cache folder', (name) => {
    const dir = configCacheDir('/data', name);
    expect(path.dirname(dir)).toBe('/data/cache');
    expect(path.basename(dir)).toMatch(/^[A-Za-z0-9._-]*-[0-9a-f]{12}\.git$/);
  });

  it('keeps distinct odd names distinct', () => {
    expect(configCacheDir('/data', 'a b')).not.toBe(configCacheDir('/data', 'a_b'));
  });
});
