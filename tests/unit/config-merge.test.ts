import fs from 'node:fs';
import path from 'node:path';
import { parseRepoConfig } from '../../lib/config/parse-repo-config';
import { mergeLayers, resolveHostConfig, CONFIG_DEFAULTS } from '../../lib/config/merge-layers';
import { groupsContaining } from '../../lib/config/layers-for-host';
import type { RepoConfig } from '../../lib/config/types';

function load(name: string): RepoConfig {
  const { config, problems } = parseRepoConfig(fs.readFileSync(path.join(__dirname, '../fixtures/configs', name), 'utf8'));
  if (!config) throw new Error(JSON.stringify(problems));
  return config;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    Object.values(o).forEach(deepFreeze);
    Object.freeze(o);
  }
  return o;
}

describe('resolveHostConfig: the original README example', () => {
  const config = deepFreeze(load('original-readme.json'));
  const base = {
    location: '/absolute/path/to/repo/location',
    script: './script-in-repo.sh',
    branch: 'branch-you-want-checked-out',
    remote: "usually-origin-but-if-you're-a-special-snowflake-you-can-change-this",
    timeout: 600,
    env: {},
  };
  const groupLocation = '/special/repo/location/for/hosts/in/this/group';
  const devBranch = "if-this-group-was-your-test-fleet-you'd-want-it-to-use-your-dev-branch-instead-of-master";

  it.each(['host1', 'host2'])('%s: base, then group-name (location)', (host) => {
    const eff = resolveHostConfig(config, host);
    expect(eff.layers).toEqual(['base', 'group:group-name']);
    expect(eff.config).toEqual({ ...base, location: groupLocation });
    expect(eff.provenance).toEqual([
      { key: 'location', value: groupLocation, layer: 'group:group-name', overridden: ['base'] },
      { key: 'script', value: './script-in-repo.sh', layer: 'base', overridden: [] },
      { key: 'branch', value: base.branch, layer: 'base', overridden: [] },
      { key: 'remote', value: base.remote, layer: 'base', overridden: [] },
      { key: 'timeout', value: 600, layer: 'default', overridden: [] },
      { key: 'env', value: {}, layer: 'default', overridden: [] },
    ]);
  });

  it('host3: base, group-name (location), then its own layer (script)', () => {
    const eff = resolveHostConfig(config, 'host3');
    expect(eff.layers).toEqual(['base', 'group:group-name', 'host:host3']);
    expect(eff.config).toEqual({ ...base, location: groupLocation, script: '/host/3/is/also/a/special/snowflake.sh' });
    expect(eff.provenance.slice(0, 2)).toEqual([
      { key: 'location', value: groupLocation, layer: 'group:group-name', overridden: ['base'] },
      { key: 'script', value: '/host/3/is/also/a/special/snowflake.sh', layer: 'host:host3', overridden: ['base'] },
    ]);
  });

  it('host: base, then another-group-name (branch)', () => {
    const eff = resolveHostConfig(config, 'host');
    expect(eff.layers).toEqual(['base', 'group:another-group-name']);
    expect(eff.config).toEqual({ ...base, branch: devBranch });
    expect(eff.provenance.find((p) => p.key === 'branch')).toEqual({ key: 'branch', value: devBranch, layer: 'group:another-group-name', overridden: ['base'] });
    expect(eff.provenance.find((p) => p.key === 'location')).toEqual({ key: 'location', value: base.location, layer: 'base', overridden: [] });
  });

  it('a host in no group and with no layer gets base only', () => {
    const eff = resolveHostConfig(config, 'lonely');
    expect(eff.layers).toEqual(['base']);
    expect(eff.config).toEqual(base);
  });

  it('host names match exactly (case-sensitive), as in the original', () => {
    expect(resolveHostConfig(config, 'HOST3').layers).toEqual(['base']);
  });
});

describe('resolveHostConfig: merge rules', () => {
  it('overlapping groups apply in alphabetical order: canary before web', () => {
    const config: RepoConfig = {
      hostgroups: { web: ['web1', 'web2'], canary: ['web2'] },
      configs: { base: { branch: 'master' }, web: { branch: 'release' }, canary: { branch: 'develop', timeout: 30 } },
    };
    const eff = resolveHostConfig(config, 'web2');
    expect(eff.layers).toEqual(['base', 'group:canary', 'group:web']);
    expect(eff.config.branch).toBe('release');
    expect(eff.config.timeout).toBe(30);
    expect(eff.provenance.find((p) => p.key === 'branch')).toEqual({ key: 'branch', value: 'release', layer: 'group:web', overridden: ['base', 'group:canary'] });
    expect(eff.provenance.find((p) => p.key === 'timeout')).toEqual({ key: 'timeout', value: 30, layer: 'group:canary', overridden: [] });
  });

  it('the SPEC example: web2 gets canary, web and its own script', () => {
    const eff = resolveHostConfig(load('spec-example.json'), 'web2');
    expect(eff.layers).toEqual(['base', 'group:canary', 'host:web2']);
    expect(eff.config).toEqual({ location: '/srv/www/myapp', script: '/opt/special.sh', branch: 'develop', remote: 'origin', timeout: 600, env: {} });
    expect(resolveHostConfig(load('spec-example.json'), 'web1').config.branch).toBe('master');
  });

  it('group order is plain code-unit order (uppercase first), not locale order', () => {
    const config: RepoConfig = { hostgroups: { beta: ['h'], Zulu: ['h'], alpha: ['h'] }, configs: { beta: {}, Zulu: {}, alpha: {} } };
    expect(groupsContaining(config, 'h')).toEqual(['Zulu', 'alpha', 'beta']);
    expect(resolveHostConfig(config, 'h').layers).toEqual(['group:Zulu', 'group:alpha', 'group:beta']);
  });

  it('the order of keys in the file does not matter', () => {
    const a: RepoConfig = { hostgroups: { web: ['h'], canary: ['h'] }, configs: { web: { branch: 'w' }, canary: { branch: 'c' } } };
    const b: RepoConfig = { hostgroups: { canary: ['h'], web: ['h'] }, configs: { canary: { branch: 'c' }, web: { branch: 'w' } } };
    expect(resolveHostConfig(a, 'h')).toEqual(resolveHostConfig(b, 'h'));
  });

  it('the host layer is applied last, after every group', () => {
    const config: RepoConfig = { hostgroups: { zz: ['h'] }, configs: { h: { branch: 'mine' }, zz: { branch: 'group' }, base: { branch: 'base' } } };
    const eff = resolveHostConfig(config, 'h');
    expect(eff.layers).toEqual(['base', 'group:zz', 'host:h']);
    expect(eff.provenance.find((p) => p.key === 'branch')).toEqual({ key: 'branch', value: 'mine', layer: 'host:h', overridden: ['base', 'group:zz'] });
  });

  it('env merges key by key across layers, with provenance per variable', () => {
    const config: RepoConfig = {
      hostgroups: { web: ['web1'] },
      configs: {
        base: { env: { NODE_ENV: 'production', LOG: 'info' } },
        web: { env: { LOG: 'debug', PORT: '8080' } },
        web1: { env: { PORT: '9090', EXTRA: '1' } },
      },
    };
    const eff = resolveHostConfig(config, 'web1');
    expect(eff.config.env).toEqual({ NODE_ENV: 'production', LOG: 'debug', PORT: '9090', EXTRA: '1' });
    expect(eff.provenance.filter((p) => p.key.startsWith('env'))).toEqual([
      { key: 'env.EXTRA', value: '1', layer: 'host:web1', overridden: [] },
      { key: 'env.LOG', value: 'debug', layer: 'group:web', overridden: ['base'] },
      { key: 'env.NODE_ENV', value: 'production', layer: 'base', overridden: [] },
      { key: 'env.PORT', value: '9090', layer: 'host:web1', overridden: ['group:web'] },
    ]);
  });

  it('an explicitly empty env is attributed to the layer that set it', () => {
    const eff = resolveHostConfig({ configs: { base: { env: {} } } }, 'h');
    expect(eff.provenance.find((p) => p.key === 'env')).toEqual({ key: 'env', value: {}, layer: 'base', overridden: [] });
  });

  it('defaults: branch master, remote origin, timeout 600, env {}; no location or script', () => {
    const eff = resolveHostConfig({ configs: {} }, 'h');
    expect(eff.layers).toEqual([]);
    expect(eff.config).toEqual({ branch: 'master', remote: 'origin', timeout: 600, env: {} });
    expect(CONFIG_DEFAULTS).toEqual({ branch: 'master', remote: 'origin', timeout: 600 });
    expect(eff.provenance).toEqual([
      { key: 'branch', value: 'master', layer: 'default', overridden: [] },
      { key: 'remote', value: 'origin', layer: 'default', overridden: [] },
      { key: 'timeout', value: 600, layer: 'default', overridden: [] },
      { key: 'env', value: {}, layer: 'default', overridden: [] },
    ]);
  });

  it('a group listed in hostgroups but without a layer in configs is not in `layers`', () => {
    const eff = resolveHostConfig({ hostgroups: { web: ['h'] }, configs: { base: { location: '/srv/a' } } }, 'h');
    expect(eff.layers).toEqual(['base']);
  });

  it('groups win: a configs key naming a group is never a host layer', () => {
    const config: RepoConfig = { hostgroups: { web: ['web1'] }, configs: { web: { branch: 'group' } } };
    expect(resolveHostConfig(config, 'web').layers).toEqual([]);
    expect(resolveHostConfig(config, 'web1').layers).toEqual(['group:web']);
  });

  it('a host named base gets the base layer once', () => {
    expect(resolveHostConfig({ configs: { base: { branch: 'b' } } }, 'base').layers).toEqual(['base']);
  });

  it('never mutates its input, and the result shares no object with it', () => {
    const config = deepFreeze<RepoConfig>({
      hostgroups: { web: ['h'] },
      configs: { base: { env: { A: '1' } }, web: { env: { B: '2' } }, h: { env: { A: '3' } } },
    });
    const before = JSON.stringify(config);
    const eff = resolveHostConfig(config, 'h');
    expect(JSON.stringify(config)).toBe(before);
    eff.config.env.C = 'x';
    expect(config.configs.base.env).toEqual({ A: '1' });
    expect(resolveHostConfig(config, 'h').config.env).toEqual({ A: '3', B: '2' });
  });
});

describe('docs/reference/repo-config.md', () => {
  it('the provenance example is what resolveHostConfig gives', () => {
    const config: RepoConfig = {
      hostgroups: { web: ['web1', 'web2'], canary: ['web2'] },
      configs: {
        base: { location: '/srv/www/myapp', script: './deploy.sh', branch: 'master', remote: 'origin' },
        canary: { branch: 'develop', env: { FEATURE_FLAGS: 'all' } },
        web2: { script: '/opt/special.sh', timeout: 1200 },
      },
    };
    const eff = resolveHostConfig(config, 'web2');
    expect(eff.layers).toEqual(['base', 'group:canary', 'host:web2']);
    expect(eff.provenance).toEqual([
      { key: 'location', value: '/srv/www/myapp', layer: 'base', overridden: [] },
      { key: 'script', value: '/opt/special.sh', layer: 'host:web2', overridden: ['base'] },
      { key: 'branch', value: 'develop', layer: 'group:canary', overridden: ['base'] },
      { key: 'remote', value: 'origin', layer: 'base', overridden: [] },
      { key: 'timeout', value: 1200, layer: 'host:web2', overridden: [] },
      { key: 'env.FEATURE_FLAGS', value: 'all', layer: 'group:canary', overridden: [] },
    ]);
  });
});

describe('mergeLayers', () => {
  it('later scalars win, objects merge deeply', () => {
    expect(mergeLayers([{ a: 1, o: { x: 1, deep: { p: 1 } } }, { a: 2, o: { y: 2, deep: { q: 2 } } }])).toEqual({ a: 2, o: { x: 1, y: 2, deep: { p: 1, q: 2 } } });
  });

  it('arrays are replaced whole, never merged by index', () => {
    expect(mergeLayers([{ list: ['a', 'b', 'c'] }, { list: ['z'] }])).toEqual({ list: ['z'] });
    expect(mergeLayers([{ o: { list: [1, 2] } }, { o: { list: [] } }])).toEqual({ o: { list: [] } });
    expect(mergeLayers([{ list: [{ a: 1 }] }, { list: [{ b: 2 }] }])).toEqual({ list: [{ b: 2 }] });
  });

  it('an array replaces an object and an object replaces an array', () => {
    expect(mergeLayers([{ v: { a: 1 } }, { v: [1] }])).toEqual({ v: [1] });
    expect(mergeLayers([{ v: [1] }, { v: { a: 1 } }])).toEqual({ v: { a: 1 } });
  });

  it('copies arrays instead of aliasing them', () => {
    const list = ['a'];
    const merged = mergeLayers([{ list }]);
    (merged.list as string[]).push('b');
    expect(list).toEqual(['a']);
  });
});
