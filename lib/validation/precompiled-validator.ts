import fs from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { knownSchemas } from './known-schemas';
import { requireWithCodeCache } from './code-cache';

/** Written by the build (write-standalone-validators.ts) beside the compiled code in dist/. */
export const STANDALONE_FILE = 'standalone-validators.js';
/** V8's compiled code of STANDALONE_FILE, written by the same build step (code-cache.ts). */
export const STANDALONE_CODE_CACHE = 'standalone-validators.v8cache';

let loaded: Record<string, ValidateFunction> | null | undefined;

/**
 * The build-time validator of one of the known schemas, or undefined when running from the
 * TypeScript sources (ts-jest) or for another schema: the caller then compiles it with ajv.
 */
export function precompiledValidator(schema: object): ValidateFunction | undefined {
  const name = Object.keys(knownSchemas).find((k) => knownSchemas[k] === schema);
  if (name === undefined) return undefined;
  if (loaded === undefined) {
    const file = path.join(__dirname, STANDALONE_FILE);
    loaded = fs.existsSync(file) ? (requireWithCodeCache(file, path.join(__dirname, STANDALONE_CODE_CACHE)).exports as Record<string, ValidateFunction>) : null;
  }
  return loaded?.[name];
}
