import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parseRepoConfig } from '../../lib/config/parse-repo-config';
import { starterConfig } from '../../lib/init/starter-config';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../fixtures/configs', name), 'utf8');
const problemsOf = (name: string) => parseRepoConfig(fixture(name)).problems;

describe('parseRepoConfig: good configs', () => {
  it('accepts the example config of the original IntegralGit README as written (tabs, odd indentation, apostrophes)', () => {
    const { config, problems } = parseRepoConfig(fixture('original-readme.json'));
    expect(problems).toEqual([]);
    expect(config?.hostgroups).toEqual({ 'group-name': ['host1', 'host2', 'host3'], 'another-group-name': ['host'] });
    expect(config?.configs.base.remote).toBe("usually-origin-but-if-you're-a-special-snowflake-you-can-change-this");
  });

  it('accepts the SPEC example', () => {
    expect(parseRepoConfig(fixture('spec-example.json')).problems).toEqual([]);
  });

  it('drops comment keys ("//" and "// …", string or list of strings) anywhere', () => {
    const { config, problems } = parseRepoConfig(fixture('commented.json'));
    expect(problems).toEqual([]);
    expect(config).toEqual({
      hostgroups: { canary: ['web2'], web: ['web1', 'web2'] },
      configs: {
        base: { location: '/srv/www/myapp', script: './deploy.sh', env: { NODE_ENV: 'production' } },
        canary: { branch: 'develop' },
      },
    });
  });

  it('accepts the commented starter config written by `integralgit init`', () => {
    const { config, problems } = parseRepoConfig(starterConfig('web1'));
    expect(problems).toEqual([]);
    expect(JSON.stringify(config)).not.toContain('//');
  });

  it('accepts a UTF-8 byte order mark and an empty configs object', () => {
    expect(parseRepoConfig('\ufeff{"configs":{}}')).toEqual({ config: { configs: {} }, problems: [] });
  });

  it('accepts every key with its full range', () => {
    const text = JSON.stringify({
      configs: {
        base: { location: '/srv/a', script: 'bin/deploy', branch: 'release/2024.1', remote: 'upstream', env: { _X: '', NODE_ENV: 'production' }, timeout: 86400 },
        web1: { timeout: 1 },
      },
    });
    expect(parseRepoConfig(text).problems).toEqual([]);
  });
});

describe('parseRepoConfig: every bad input is a clear problem', () => {
  it('unknown top-level key `groups` → did you mean `hostgroups`', () => {
    expect(problemsOf('groups-typo.json')).toEqual([{ path: '/groups', message: 'unknown key "groups"; did you mean "hostgroups"?' }]);
  });

  it('unknown layer keys → did you mean', () => {
    expect(problemsOf('unknown-layer-key.json')).toEqual([
      { path: '/configs/base/loction', message: 'unknown key "loction"; did you mean "location"?' },
      { path: '/configs/base/scirpt', message: 'unknown key "scirpt"; did you mean "script"?' },
    ]);
  });

  it('bad JSON → the parser message with line and column', () => {
    // the middle is V8's own wording, which varies between Node versions
    expect(problemsOf('bad-json.json')).toEqual([{ path: '', message: expect.stringMatching(/^not valid JSON: .+ at line 3, column 43$/) }]);
  });

  it('empty or blank file', () => {
    expect(parseRepoConfig('').problems).toEqual([{ path: '', message: 'the file is empty; it must hold a JSON object with a "configs" key' }]);
    expect(parseRepoConfig(' \n\t').problems).toHaveLength(1);
  });

  it('a JSON value that is not an object', () => {
    expect(problemsOf('top-level-array.json')).toEqual([{ path: '', message: 'must be a JSON object with a "configs" key (got an array)' }]);
    expect(parseRepoConfig('null').problems).toEqual([{ path: '', message: 'must be a JSON object with a "configs" key (got null)' }]);
    expect(parseRepoConfig('"x"').problems).toEqual([{ path: '', message: 'must be a JSON object with a "configs" key (got string)' }]);
  });

  it('missing configs', () => {
    expect(problemsOf('missing-configs.json')).toEqual([{ path: '/configs', message: 'is required but missing' }]);
  });

  it('a 50 MB file is refused by its size before parsing', () => {
    const huge = '{"configs":{},"x":"' + 'a'.repeat(50 * 1024 * 1024) + '"}';
    expect(parseRepoConfig(huge).problems).toEqual([
      { path: '', message: `the file is ${huge.length} bytes, over the 1048576-byte limit for a repo config` },
    ]);
  });

  it('the size limit counts bytes, not characters, and can be set', () => {
    const text = JSON.stringify({ configs: { base: { env: { X: 'é'.repeat(20) } } } });
    expect(parseRepoConfig(text, Buffer.byteLength(text)).problems).toEqual([]);
    expect(parseRepoConfig(text, text.length).problems[0].message).toMatch(/over the \d+-byte limit/);
  });

  it('__proto__, constructor and prototype keys anywhere are refused and pollute nothing', () => {
    expect(problemsOf('evil-proto.json')).toEqual([
      { path: '/configs/base/__proto__', message: 'the key "__proto__" is not allowed anywhere in a repo config (it could alter object prototypes)' },
      { path: '/configs/web1/env/constructor', message: 'the key "constructor" is not allowed anywhere in a repo config (it could alter object prototypes)' },
      { path: '/hostgroups/prototype', message: 'the key "prototype" is not allowed anywhere in a repo config (it could alter object prototypes)' },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a top-level __proto__ key is refused too', () => {
    expect(parseRepoConfig('{"__proto__":{"configs":{}},"configs":{}}').problems).toEqual([
      { path: '/__proto__', message: 'the key "__proto__" is not allowed anywhere in a repo config (it could alter object prototypes)' },
    ]);
  });

  it('nesting deeper than 32 levels', () => {
    expect(problemsOf('deep-nesting.json')).toEqual([
      { path: '/configs/base/env/X' + '/0'.repeat(28), message: 'nesting is deeper than 32 levels; a repo config needs at most 4' },
    ]);
  });

  it('half a million levels of nesting within the size limit do not overflow the stack', () => {
    const deep = '{"configs":' + '['.repeat(500000) + ']'.repeat(500000) + '}';
    const { problems } = parseRepoConfig(deep);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toBe('nesting is deeper than 32 levels; a repo config needs at most 4');
  });

  it('thousands of forbidden keys give a bounded list of problems', () => {
    const body = Array.from({ length: 5000 }, (_, i) => `"h${i}":{"constructor":"x"}`).join(',');
    const { problems } = parseRepoConfig(`{"configs":{${body}}}`);
    expect(problems).toHaveLength(51);
    expect(problems[50]).toEqual({ path: '', message: '… and 4950 more problems of the same kinds' });
  });

  it('wrong types, each with what was found', () => {
    expect(problemsOf('wrong-types.json')).toEqual([
      { path: '/hostgroups/web', message: 'must be an array (got a string)' },
      { path: '/configs/base/location', message: 'must be a string (got an integer)' },
      { path: '/configs/base/script', message: 'must be a string (got an array)' },
      { path: '/configs/base/env/A', message: 'must be a string (got an integer)' },
      { path: '/configs/base/timeout', message: 'must be an integer (got a string)' },
      { path: '/configs/web1', message: 'must be an object (got a string)' },
    ]);
  });

  it('null values are wrong types (a layer cannot unset a key)', () => {
    expect(parseRepoConfig('{"configs":{"web1":{"script":null}}}').problems).toEqual([
      { path: '/configs/web1/script', message: 'must be a string (got null)' },
    ]);
  });

  it('a group listing a host twice', () => {
    expect(problemsOf('duplicate-host.json')).toEqual([
      { path: '/hostgroups/web', message: 'lists host "web1" twice (items 0 and 2); list each host once' },
    ]);
  });

  it('location: the filesystem root, relative, with .. segments', () => {
    expect(problemsOf('location-root.json')).toEqual([{ path: '/configs/base/location', message: 'must not be the filesystem root "/"' }]);
    expect(problemsOf('location-relative.json')).toEqual([
      { path: '/configs/base/location', message: 'must be an absolute path (starting with "/"), got "../x"' },
    ]);
    expect(problemsOf('location-dotdot.json')).toEqual([
      { path: '/configs/base/location', message: 'must not contain ".." segments, got "/srv/www/../../etc"' },
    ]);
    const loc = (l: string) => parseRepoConfig(JSON.stringify({ configs: { base: { location: l } } })).problems.map((p) => p.message);
    expect(loc('//')).toEqual(['must not be the filesystem root "/"']);
    expect(loc('/./')).toEqual(['must not be the filesystem root "/"']);
    expect(loc('')).toEqual(['must be an absolute path (starting with "/"), got ""']);
    expect(loc('~/app')).toEqual(['must be an absolute path (starting with "/"), got "~/app"']);
    expect(loc('/srv/a\u0000b')).toEqual(['must not contain NUL characters']);
    expect(loc('/srv/..')).toEqual(['must not contain ".." segments, got "/srv/.."']);
    expect(loc('/srv/..app/x')).toEqual([]);
  });

  it('branch names git would refuse', () => {
    expect(problemsOf('bad-branch.json')).toEqual([
      { path: '/configs/base/branch', message: '"-upload-pack=evil" is not a valid git branch name: must not start with "-"' },
      { path: '/configs/web1/branch', message: '"feature..x" is not a valid git branch name: must not contain ".."' },
      { path: '/configs/web2/branch', message: '"x.lock" is not a valid git branch name: no part between slashes may end with ".lock"' },
    ]);
  });

  it('remote that is not a simple name', () => {
    expect(problemsOf('bad-remote.json')).toEqual([
      { path: '/configs/base/remote', message: '"https://evil.example/x.git" is not a valid git remote name: must not contain ":"' },
    ]);
    const remote = (r: string) => parseRepoConfig(JSON.stringify({ configs: { base: { remote: r } } })).problems.map((p) => p.message);
    expect(remote('a/b')).toEqual(['"a/b" is not a valid git remote name: must not contain "/"']);
    expect(remote('-o')).toEqual(['"-o" is not a valid git remote name: must not start with "-"']);
    expect(remote('upstream')).toEqual([]);
  });

  it('env names that are not variable names, or that claim INTEGRALGIT_*', () => {
    expect(problemsOf('bad-env.json')).toEqual([
      { path: '/configs/base/env/1BAD', message: '"1BAD" is not a valid environment variable name (letters, digits and "_", not starting with a digit)' },
      { path: '/configs/base/env/INTEGRALGIT_COMMIT', message: 'variables named INTEGRALGIT_* are set by IntegralGit itself and cannot be set in the config' },
      { path: '/configs/base/env/WITH SPACE', message: '"WITH SPACE" is not a valid environment variable name (letters, digits and "_", not starting with a digit)' },
    ]);
    expect(parseRepoConfig('{"configs":{"base":{"env":{"integralgit_host":"x"}}}}').problems).toHaveLength(1);
  });

  it('an env value with NUL is refused without echoing the value (it may be a secret)', () => {
    const { problems } = parseRepoConfig(JSON.stringify({ configs: { base: { env: { TOKEN: 'hunter2\u0000' } } } }));
    expect(problems).toEqual([{ path: '/configs/base/env/TOKEN', message: 'must not contain NUL characters' }]);
    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });

  it('timeout out of range or not an integer', () => {
    expect(problemsOf('bad-timeout.json')).toEqual([
      { path: '/configs/base/timeout', message: 'must be between 1 and 86400 seconds (got 0)' },
      { path: '/configs/web1/timeout', message: 'must be between 1 and 86400 seconds (got 86401)' },
      { path: '/configs/web2/timeout', message: 'must be an integer (got the number 1.5)' },
    ]);
  });

  it('script containing NUL, or empty', () => {
    expect(problemsOf('script-nul.json')).toEqual([{ path: '/configs/base/script', message: 'must not contain NUL characters' }]);
    expect(parseRepoConfig('{"configs":{"base":{"script":""}}}').problems).toEqual([
      { path: '/configs/base/script', message: 'must not be empty (leave "script" out to only update the working copy)' },
    ]);
  });

  it('comment keys holding something other than text', () => {
    expect(problemsOf('bad-comment.json')).toEqual([{ path: '/~1~1', message: 'a comment key ("//…") must hold a string or an array of strings' }]);
  });

  it('group and host names: empty, with spaces, or "base"', () => {
    const text = JSON.stringify({ hostgroups: { base: ['web1'], 'my group': ['a b', ''] }, configs: { '': {} } });
    expect(parseRepoConfig(text).problems).toEqual([
      { path: '/hostgroups/base', message: 'a hostgroup cannot be named "base": that name is the base layer applied to every host' },
      { path: '/hostgroups/my group', message: 'a hostgroup name must not contain spaces or control characters, got "my group"' },
      { path: '/hostgroups/my group/0', message: 'a host name must not contain spaces or control characters, got "a b"' },
      { path: '/hostgroups/my group/1', message: 'a host name must not be empty' },
      { path: '/configs/', message: 'a layer name must not be empty' },
    ]);
  });

  it('lists every problem at once', () => {
    const text = JSON.stringify({ groups: {}, configs: { base: { location: 'x', branch: 'a b', timeout: -1 } } });
    expect(parseRepoConfig(text).problems.map((p) => p.path)).toEqual(['/groups', '/configs/base/timeout', '/configs/base/location', '/configs/base/branch']);
  });
});

describe('parseRepoConfig never throws', () => {
  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const r = parseRepoConfig(s);
        expect(Array.isArray(r.problems)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('on arbitrary JSON, and a result is either a config or problems', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const r = parseRepoConfig(JSON.stringify(v) ?? 'null');
        expect(r.config === undefined).toBe(r.problems.length > 0);
      }),
      { numRuns: 500 },
    );
  });

  it('on arbitrary layer contents', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('location', 'script', 'branch', 'remote', 'env', 'timeout', '__proto__', '//'), fc.jsonValue({ maxDepth: 3 })), (layer) => {
        const r = parseRepoConfig(`{"configs":{"base":${JSON.stringify(layer)}}}`);
        expect(r.config === undefined).toBe(r.problems.length > 0);
      }),
      { numRuns: 500 },
    );
  });
});
