import fs from 'node:fs';
import path from 'node:path';
import { FixtureRepo, GitFixture, makeTempDir } from '../helpers/git-fixture';
import { effectiveConfigFor, loadRepoConfig, requireCurrentConfig, RAW_STORE_LIMIT } from '../../lib/config/load-repo-config';
import { IntegralGitError } from '../../lib/errors';
import type { ConfigVersionRecord, ConfigVersionStore } from '../../lib/config/types';
import type { RepoSettings } from '../../lib/settings/types';

/** The store's contract, in memory (lib/store implements it on SQLite). */
class MemoryConfigStore implements ConfigVersionStore {
  readonly records: ConfigVersionRecord[] = [];
  recordConfigVersion(v: ConfigVersionRecord): void {
    const same = this.records.findIndex((r) => r.repo === v.repo && r.commit === v.commit);
    if (same >= 0) this.records.splice(same, 1);
    this.records.push(structuredClone(v));
  }
  lastValidConfig(repo: string): ConfigVersionRecord | undefined {
    return [...this.records].reverse().find((r) => r.repo === repo && r.valid);
  }
  latestConfigVersion(repo: string): ConfigVersionRecord | undefined {
    return [...this.records].reverse().find((r) => r.repo === repo);
  }
}

const VALID = { hostgroups: { web: ['web1'] }, configs: { base: { location: '/srv/www/app' }, web: { branch: 'release' } } };

function settings(repo: FixtureRepo, url = repo.url): RepoSettings {
  return { name: repo.name, url, insecure: true, pollInterval: 0, secretEnvNames: [] };
}

/** Commit a tree (mktree lines) on the integralgit branch and push it. */
function commitTree(repo: FixtureRepo, mktree: string): string {
  const tree = repo.git(['mktree'], mktree);
  const parent = repo.git(['rev-parse', 'refs/heads/integralgit']);
  const sha = repo.git(['commit-tree', tree, '-p', parent, '-m', 'odd config']);
  repo.git(['update-ref', 'refs/heads/integralgit', sha]);
  repo.git(['push', '-q', '-f', 'origin', 'refs/heads/integralgit:refs/heads/integralgit']);
  return sha;
}

function writeConfigDirectory(repo: FixtureRepo): string {
  const blob = repo.git(['hash-object', '-w', '--stdin'], '{}');
  const inner = repo.git(['mktree'], `100644 blob ${blob}\tinner.json\n`);
  return commitTree(repo, `040000 tree ${inner}\tconfig\n`);
}

function writeConfigSymlink(repo: FixtureRepo): string {
  const target = repo.git(['hash-object', '-w', '--stdin'], '/etc/passwd');
  return commitTree(repo, `120000 blob ${target}\tconfig\n`);
}

function writeConfigNotUtf8(repo: FixtureRepo): string {
  const file = path.join(repo.work, '..', `${repo.name}-latin1`);
  fs.writeFileSync(file, Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]));
  const blob = repo.git(['hash-object', '-w', file]);
  return commitTree(repo, `100644 blob ${blob}\tconfig\n`);
}

describe('loadRepoConfig', () => {
  let fx: GitFixture;
  let dataDir: string;
  let store: MemoryConfigStore;

  beforeAll(async () => {
    fx = await GitFixture.create();
  });
  afterAll(async () => {
    await fx.close();
  });
  beforeEach(() => {
    dataDir = makeTempDir('ig-data-');
    store = new MemoryConfigStore();
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('records a valid config and puts it in force; the same commit again is not a change', async () => {
    const repo = fx.createRepo('good');
    const sha = repo.writeConfig(VALID);
    const first = await loadRepoConfig({ repo: settings(repo), dataDir, store });
    expect(first.changed).toBe(true);
    expect(first.fetchError).toBeUndefined();
    expect(first.current).toEqual({ repo: 'good', commit: sha, raw: JSON.stringify(VALID, null, 2), valid: true, errors: [], config: VALID, fetchedAt: expect.any(String) });
    expect(first.latest).toEqual(first.current);
    const again = await loadRepoConfig({ repo: settings(repo), dataDir, store });
    expect(again.changed).toBe(false);
    expect(again.current?.commit).toBe(sha);
    expect(store.records).toHaveLength(1);
    expect(effectiveConfigFor(again.current!, 'web1').config).toEqual({ location: '/srv/www/app', branch: 'release', remote: 'origin', timeout: 600, env: {} });
  });

  const invalidCases: Array<[string, (repo: FixtureRepo) => string, ConfigVersionRecord['errors']]> = [
    ['bad JSON', (r) => r.writeConfig('{ "configs": { } '), [{ path: '', message: expect.stringMatching(/^not valid JSON: .+ at line 1, column 18$/) }]],
    ['an unknown key (groups)', (r) => r.writeConfig({ groups: {}, configs: {} }), [{ path: '/groups', message: 'unknown key "groups"; did you mean "hostgroups"?' }]],
    [
      'a __proto__ key',
      (r) => r.writeConfig('{"configs":{"base":{"__proto__":{"x":1}}}}'),
      [{ path: '/configs/base/__proto__', message: 'the key "__proto__" is not allowed anywhere in a repo config (it could alter object prototypes)' }],
    ],
    ['a wrong type', (r) => r.writeConfig({ configs: { base: { timeout: '600' } } }), [{ path: '/configs/base/timeout', message: 'must be an integer (got a string)' }]],
    ['a location of /', (r) => r.writeConfig({ configs: { base: { location: '/' } } }), [{ path: '/configs/base/location', message: 'must not be the filesystem root "/"' }]],
    [
      'a group listing a host twice',
      (r) => r.writeConfig({ hostgroups: { web: ['a', 'a'] }, configs: {} }),
      [{ path: '/hostgroups/web', message: 'lists host "a" twice (items 0 and 1); list each host once' }],
    ],
    [
      'nesting too deep',
      (r) => r.writeConfig('{"configs":{"base":{"env":{"X":' + '['.repeat(40) + ']'.repeat(40) + '}}}}'),
      [{ path: '/configs/base/env/X' + '/0'.repeat(28), message: 'nesting is deeper than 32 levels; a repo config needs at most 4' }],
    ],
    [
      'no config file',
      (r) => r.writeConfig('{}', 'README.md'),
      [{ path: '', message: expect.stringContaining('has no file named `config` or `config.json`') }],
    ],
    ['config as a directory', writeConfigDirectory, [{ path: '', message: '`config` on the integralgit branch is a directory; it must be a regular file holding the JSON config' }]],
    ['config as a symlink', writeConfigSymlink, [{ path: '', message: '`config` on the integralgit branch is a symbolic link; it must be a regular file holding the JSON config' }]],
    ['config not UTF-8', writeConfigNotUtf8, [{ path: '', message: '`config` on the integralgit branch is not UTF-8 text' }]],
  ];

  it.each(invalidCases)('an invalid config after a valid one (%s) is recorded with its exact cause; the valid one stays in force', async (_name, write, errors) => {
    const repo = fx.createRepo(`inv${invalidCases.findIndex((c) => c[0] === _name)}`);
    const good = repo.writeConfig(VALID);
    await loadRepoConfig({ repo: settings(repo), dataDir, store });
    const bad = write(repo);
    const loaded = await loadRepoConfig({ repo: settings(repo), dataDir, store });
    expect(loaded.changed).toBe(true);
    expect(loaded.fetchError).toBeUndefined();
    expect(loaded.current?.commit).toBe(good);
    expect(loaded.current?.config).toEqual(VALID);
    expect(loaded.latest).toMatchObject({ commit: bad, valid: false });
    expect(loaded.latest?.config).toBeUndefined();
    expect(loaded.latest?.errors).toEqual(errors);
    expect(store.latestConfigVersion(repo.name)?.errors).toEqual(errors);
    expect(() => effectiveConfigFor(loaded.latest!, 'web1')).toThrow(IntegralGitError);
  });

  it('a 50 MB config after a valid one is refused by size, stored capped, and the valid one stays', async () => {
    const repo = fx.createRepo('huge');
    const good = repo.writeConfig(VALID);
    await loadRepoConfig({ repo: settings(repo), dataDir, store });
    const text = '{"configs":{},"pad":"' + 'x'.repeat(50 * 1024 * 1024) + '"}';
    repo.writeConfig(text);
    const loaded = await loadRepoConfig({ repo: settings(repo), dataDir, store });
    expect(loaded.current?.commit).toBe(good);
    expect(loaded.latest?.errors).toEqual([
      { path: '', message: `the file is ${text.length} bytes, over the 1048576-byte limit for a repo config` },
      { path: '', message: `only the first ${RAW_STORE_LIMIT} of ${text.length} bytes of the file are kept in the history` },
    ]);
    expect(loaded.latest?.raw.length).toBe(RAW_STORE_LIMIT);
  });

  it('a config never seen valid leaves nothing in force: requireCurrentConfig → IG_CONFIG_NEVER_VALID with the cause', async () => {
    const repo = fx.createRepo('never');
    repo.writeConfig({ groups: {}, configs: {} });
    const loaded = await loadRepoConfig({ repo: settings(repo), dataDir, store });
    expect(loaded.current).toBeUndefined();
    expect(loaded.latest?.valid).toBe(false);
    let err: unknown;
    try {
      requireCurrentConfig('never', loaded);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IntegralGitError);
    expect((err as IntegralGitError).code).toBe('IG_CONFIG_NEVER_VALID');
    expect((err as IntegralGitError).message).toContain('/groups: unknown key "groups"; did you mean "hostgroups"?');
  });

  it('a fixed config after an invalid one comes into force', async () => {
    const repo = fx.createRepo('fixed');
    repo.writeConfig({ groups: {}, configs: {} });
    await loadRepoConfig({ repo: settings(repo), dataDir, store });
    const fixed = repo.writeConfig(VALID);
    const loaded = await loadRepoConfig({ repo: settings(repo), dataDir, store });
    expect(loaded.current?.commit).toBe(fixed);
    expect(requireCurrentConfig('fixed', loaded).commit).toBe(fixed);
  });

  it('a fetch failure after a valid config returns the valid one with the error, recording nothing', async () => {
    const repo = fx.createRepo('flaky');
    const good = repo.writeConfig(VALID);
    await loadRepoConfig({ repo: settings(repo), dataDir, store });
    const loaded = await loadRepoConfig({ repo: settings(repo, fx.url('flaky-gone')), dataDir, store });
    expect(loaded.current?.commit).toBe(good);
    expect(loaded.latest?.commit).toBe(good);
    expect(loaded.changed).toBe(false);
    expect(loaded.fetchError?.code).toBe('IG_FETCH_FAILED');
    expect(loaded.fetchError?.data.status).toBe(404);
    expect(store.records).toHaveLength(1);
  });

  it('a deleted integralgit branch after a valid config → IG_CONFIG_MISSING as fetchError, the valid one stays', async () => {
    const repo = fx.createRepo('deleted');
    const good = repo.writeConfig(VALID);
    await loadRepoConfig({ repo: settings(repo), dataDir, store });
    repo.git(['push', '-q', 'origin', ':refs/heads/integralgit']);
    const loaded = await loadRepoConfig({ repo: settings(repo), dataDir, store });
    expect(loaded.current?.commit).toBe(good);
    expect(loaded.fetchError?.code).toBe('IG_CONFIG_MISSING');
  });

  it('a fetch failure with nothing ever read: no current, no latest, the error', async () => {
    const repo = fx.createRepo('empty');
    const loaded = await loadRepoConfig({ repo: settings(repo), dataDir, store });
    expect(loaded).toEqual({ current: undefined, latest: undefined, changed: false, fetchError: expect.any(IntegralGitError) });
    expect(() => requireCurrentConfig('empty', loaded)).toThrow(/no valid repo config has ever been seen for `empty`.*has no `integralgit` branch/);
  });
});
