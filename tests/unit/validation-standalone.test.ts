import fs from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { createAjv } from '../../lib/validation/create-ajv';
import { knownSchemas } from '../../lib/validation/known-schemas';
import { STANDALONE_CODE_CACHE, STANDALONE_FILE } from '../../lib/validation/precompiled-validator';
import { requireWithCodeCache } from '../../lib/validation/code-cache';
import { writeStandaloneValidators } from '../../lib/validation/write-standalone-validators';

// The build compiles the known schemas into standalone code (dist/); the sources compile
// them with ajv at run time. Both must report exactly the same errors, or the CLI's
// messages would differ from the ones the unit tests check.
// inside the project, so that the generated code's require('ajv/dist/runtime/...') resolves
const dir = fs.mkdtempSync(path.join(__dirname, '.standalone-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const fixtures = path.join(__dirname, '../fixtures/configs');
const configSamples: unknown[] = fs
  .readdirSync(fixtures)
  .map((f) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(fixtures, f), 'utf8')) as unknown;
    } catch {
      return undefined;
    }
  })
  .filter((v) => v !== undefined);
const settingsSamples: unknown[] = [
  {},
  { repos: { app: { url: 'https://h/a.git', secret: 'x' } } },
  { repo: {}, listen: { port: 'x', hots: 'a' }, trustProxy: true, bodyLimit: -1, git: 'libgit2' },
  { repos: { app: { url: 1, secert: 'x', branch: 2 } }, admin: { username: '' }, allowedRoots: [] },
  [],
  null,
];

describe('standalone validators written by the build', () => {
  const file = writeStandaloneValidators(dir);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const standalone = require(file) as Record<string, ValidateFunction>;
  const ajv = createAjv();

  it('are written for every known schema, under the file name the loader looks for', () => {
    expect(path.basename(file)).toBe(STANDALONE_FILE);
    expect(Object.keys(standalone).sort()).toEqual(Object.keys(knownSchemas).sort());
  });

  it.each([
    ['repoConfig', configSamples],
    ['settings', settingsSamples],
  ])('report the same errors as ajv compiling %s at run time', (name, samples) => {
    const compiled = ajv.compile(knownSchemas[name]);
    expect(samples.length).toBeGreaterThan(3);
    for (const sample of samples) {
      const ok = standalone[name](sample);
      expect(ok).toBe(compiled(sample));
      expect(standalone[name].errors ?? null).toEqual(compiled.errors ?? null);
    }
  });

  it("load from V8's code cache the build wrote, and from the source when the cache is unusable", () => {
    const cache = path.join(dir, STANDALONE_CODE_CACHE);
    const cached = requireWithCodeCache(file, cache);
    expect(cached.usedCache).toBe(true);
    const validators = cached.exports as Record<string, ValidateFunction>;
    expect(validators.settings({ repos: { app: { url: 1 } } })).toBe(false);
    expect(validators.settings.errors).toEqual(standalone.settings({ repos: { app: { url: 1 } } }) ? null : standalone.settings.errors);

    // a copy with one byte more: V8 would answer the same source from its in-process cache
    const copy = path.join(dir, 'copy.js');
    fs.writeFileSync(copy, `${fs.readFileSync(file, 'utf8')}\n`);
    const stale = requireWithCodeCache(copy, cache);
    expect(stale.usedCache).toBe(false);
    expect((stale.exports as Record<string, ValidateFunction>).repoConfig({})).toBe(standalone.repoConfig({}));
    fs.writeFileSync(cache, 'not a code cache');
    fs.appendFileSync(copy, '\n');
    expect(requireWithCodeCache(copy, cache).usedCache).toBe(false);
    fs.rmSync(cache);
    expect(requireWithCodeCache(file, cache).usedCache).toBe(false);
  });
});
