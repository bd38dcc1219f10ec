import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/*
 * The standalone validators are one ~80 KB function per schema: V8 compiles it on the first
 * call, ~10 ms of every command's start-up. The build runs each validator once and saves
 * V8's code cache beside the file; a process then loads the compiled code instead. V8
 * rejects a cache written by another V8 version or with other flags (the file is then
 * compiled as usual), so a stale or foreign cache costs time, never correctness.
 */

/** A CommonJS file run through vm.Script, as `require` would, with its code cache if any. */
function compile(file: string, cachedData?: Buffer): { script: vm.Script; exports: unknown } {
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  const mod = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void)(mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  return { script, exports: mod.exports };
}

/** The exports of `file`, compiled from `cacheFile` when V8 accepts it (`usedCache`). */
export function requireWithCodeCache(file: string, cacheFile: string): { exports: unknown; usedCache: boolean } {
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // no cache (a build without it): compiled from source
  }
  const { script, exports } = compile(file, cachedData);
  return { exports, usedCache: cachedData !== undefined && !script.cachedDataRejected };
}

/**
 * Build step: runs `warm` on the file's exports (so the functions it calls are compiled,
 * not only the top level) and writes V8's code cache to `cacheFile`.
 */
export function writeCodeCache(file: string, cacheFile: string, warm: (exports: unknown) => void): void {
  const { script, exports } = compile(file);
  warm(exports);
  fs.writeFileSync(cacheFile, script.createCachedData());
}
