// Coverage of the code that runs outside the jest workers: the `integralgit` binary and the
// `serve` processes the tests start run the compiled dist/, which jest's own coverage never
// sees. Node writes every process's V8 coverage into NODE_V8_COVERAGE; this keeps the dist/
// scripts, merges the processes, and maps the counts back onto the TypeScript sources through
// the source maps tsc writes beside dist/.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL, fileURLToPath } = require('node:url');
const { mergeProcessCovs } = require('@bcoe/v8-coverage');
const v8ToIstanbul = require('v8-to-istanbul');

/** The dist/ scripts of one NODE_V8_COVERAGE dump (everything else a process loaded is dropped). */
function distScripts(dumpFile, distUrl) {
  let dump;
  try {
    dump = JSON.parse(fs.readFileSync(dumpFile, 'utf8'));
  } catch {
    // a process killed while writing leaves a truncated dump: its counts are lost, not the run
    return [];
  }
  return (dump.result ?? []).filter((s) => s.url.startsWith(distUrl) && s.url.endsWith('.js'));
}

/**
 * Istanbul coverage data (keyed by absolute .ts path) of every dist/ script run by any node
 * process that wrote into `rawDir`. `keep(tsPath)` says which sources count.
 */
async function subprocessCoverage(rawDir, root, keep) {
  const distUrl = pathToFileURL(path.join(root, 'dist')).href + '/';
  const processCovs = [];
  for (const name of fs.readdirSync(rawDir)) {
    if (!name.endsWith('.json')) continue;
    const result = distScripts(path.join(rawDir, name), distUrl);
    if (result.length > 0) processCovs.push({ result });
  }
  const processes = processCovs.length;
  const merged = processes > 0 ? mergeProcessCovs(processCovs) : { result: [] };
  const data = {};
  for (const script of merged.result) {
    const converter = v8ToIstanbul(fileURLToPath(script.url), 0, undefined, (p) => !keep(p));
    await converter.load();
    converter.applyCoverage(script.functions);
    Object.assign(data, converter.toIstanbul());
    converter.destroy();
  }
  return { data, processes };
}

/** Every compiled script under `dir`, recursively. */
function jsFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsFiles(p));
    else if (entry.name.endsWith('.js')) out.push(p);
  }
  return out;
}

/** tsc's output of a file of types alone: nothing in it can run, so nothing to cover. */
function typeOnly(code) {
  const boilerplate = /^("use strict";|Object\.defineProperty\(exports, "__esModule", \{ value: true \}\);|\/\/# sourceMappingURL=.*|)$/;
  return code.split('\n').every((line) => boilerplate.test(line.trim()));
}

/**
 * Zero coverage for every counted source that no process loaded, so a module no test
 * reaches counts as uncovered instead of vanishing from the total (jest only reports the
 * files a test loaded: its `roots` are tests/). Built from dist/ and its source maps, the way
 * a process that loaded the file but ran none of it would report it.
 */
async function untestedCoverage(root, keep, seen) {
  const data = {};
  const dist = path.join(root, 'dist');
  for (const file of jsFiles(dist)) {
    // tsc never deletes: output of a source moved or removed since is not part of the code
    if (!fs.existsSync(path.join(root, path.relative(dist, file)).replace(/\.js$/, '.ts'))) continue;
    const code = fs.readFileSync(file, 'utf8');
    if (typeOnly(code)) continue;
    // '(empty-report)' is v8-to-istanbul's marker for this: every line of the file zeroed
    const converter = v8ToIstanbul(file, 0, undefined, (p) => !keep(p) || seen.has(p));
    await converter.load();
    const length = code.length;
    converter.applyCoverage([{ functionName: '(empty-report)', isBlockCoverage: true, ranges: [{ startOffset: 0, endOffset: length, count: 0 }] }]);
    Object.assign(data, converter.toIstanbul());
    converter.destroy();
  }
  return data;
}

module.exports = { subprocessCoverage, untestedCoverage };
