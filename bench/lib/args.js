'use strict';
// Tiny `--name value` / `--flag` parser: the benchmarks take a handful of numeric options.

/**
 * @param {string[]} argv process.argv.slice(2)
 * @param {Record<string, number|string|boolean>} defaults every known option with its default
 * @param {string} usage printed for --help or an unknown option
 */
function parseArgs(argv, defaults, usage) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(usage);
      process.exit(0);
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const key = m && m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!m || !(key in defaults)) {
      console.error(`unknown option ${arg}\n${usage}`);
      process.exit(2);
    }
    const kind = typeof defaults[key];
    if (kind === 'boolean') {
      out[key] = m[2] === undefined ? true : m[2] !== 'false';
      continue;
    }
    const value = m[2] !== undefined ? m[2] : argv[++i];
    if (value === undefined) {
      console.error(`option --${m[1]} needs a value\n${usage}`);
      process.exit(2);
    }
    if (kind === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) {
        console.error(`option --${m[1]} must be a non-negative number (got "${value}")`);
        process.exit(2);
      }
      out[key] = n;
    } else {
      out[key] = value;
    }
  }
  return out;
}

module.exports = { parseArgs };
