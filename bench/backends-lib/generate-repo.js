'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

/**
 * Generated repositories for the backend benchmarks. History is written with one
 * `git fast-import` stream (seconds, not minutes, for 1,000 commits), then repacked the
 * way a hosting server keeps its repositories. Contents are deterministic pseudo-source
 * text (a few hundred bytes to ~4 KiB per file) so packs compress like real code.
 */
// the same author and git environment as the other benchmarks' repositories
const { GIT_ENV } = require('../lib/git-repo');

function gitSync(cwd, args, { input, env } = {}) {
  return execFileSync('git', args, { cwd, env: { ...GIT_ENV, ...env }, input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 30 })
    .toString('utf8')
    .trim();
}

/** Small deterministic PRNG (mulberry32): the same repository on every run. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'const let function return if else for while await async import export from module require value result error data path file name index config deploy commit branch remote fetch tree blob'.split(' ');

function fileContent(rand, label) {
  const target = 200 + Math.floor(rand() * 3800);
  const lines = [`// ${label}`];
  let size = lines[0].length + 1;
  while (size < target) {
    const n = 3 + Math.floor(rand() * 8);
    const words = [];
    for (let i = 0; i < n; i++) words.push(WORDS[Math.floor(rand() * WORDS.length)]);
    const line = `  ${words.join(' ')};`;
    lines.push(line);
    size += line.length + 1;
  }
  return Buffer.from(lines.join('\n') + '\n');
}

/** `src/m<NN>/d<N>/f<i>.js`: ~20 files per directory, 10 directories per module. */
function filePath(i) {
  const leaf = Math.floor(i / 20);
  return `src/m${String(Math.floor(leaf / 10)).padStart(3, '0')}/d${leaf % 10}/f${i}.js`;
}

/**
 * A bare repository at `bare` on branch master: commit 1 adds `files` files, each later
 * commit (up to `commits` in all) rewrites `touch` of them.
 */
function generateRepo(bare, { files, commits, touch = 2, seed = 1 }) {
  const rand = prng(seed);
  fs.mkdirSync(path.dirname(bare), { recursive: true });
  gitSync(path.dirname(bare), ['init', '-q', '--bare', '-b', 'master', bare]);
  const chunks = [];
  const push = (s) => chunks.push(typeof s === 'string' ? Buffer.from(s) : s);
  const data = (buf) => {
    push(`data ${buf.length}\n`);
    push(buf);
    push('\n');
  };
  let when = 1700000000;
  for (let c = 1; c <= commits; c++) {
    push('commit refs/heads/master\n');
    push(`mark :${c}\n`);
    push(`committer Bench Author <bench@example.com> ${when} +0000\n`);
    data(Buffer.from(c === 1 ? `initial import of ${files} files\n` : `change ${c}\n`));
    if (c > 1) push(`from :${c - 1}\n`);
    if (c === 1) {
      push('M 100644 inline README.md\n');
      data(Buffer.from('# bench app\n'));
      for (let i = 0; i < files; i++) {
        push(`M 100644 inline ${filePath(i)}\n`);
        data(fileContent(rand, `file ${i} v1`));
      }
    } else {
      for (let k = 0; k < touch; k++) {
        const i = Math.floor(rand() * files);
        push(`M 100644 inline ${filePath(i)}\n`);
        data(fileContent(rand, `file ${i} v${c}`));
      }
    }
    when += 60;
  }
  push('done\n');
  gitSync(bare, ['fast-import', '--quiet', '--done'], { input: Buffer.concat(chunks) });
  gitSync(bare, ['repack', '-a', '-d', '-q']);
  return { bare, files: files + 1, commits };
}

/**
 * Commits straight into the bare repository with plumbing (no working tree: a 20,000-file
 * checkout just to commit would dominate the run). Each call makes one small commit that
 * rewrites one existing file and adds one new file, as a typical push would.
 */
function commitMaker(bare, scratch, { files, seed = 7 }) {
  const rand = prng(seed);
  const env = { GIT_INDEX_FILE: path.join(scratch, 'bench-index') };
  fs.mkdirSync(scratch, { recursive: true });
  gitSync(bare, ['read-tree', 'master'], { env });
  let n = 0;
  let when = 1800000000;
  return function addCommit() {
    n++;
    const i = Math.floor(rand() * files);
    const changed = gitSync(bare, ['hash-object', '-w', '--stdin'], { input: fileContent(rand, `file ${i} push ${n}`) });
    const added = gitSync(bare, ['hash-object', '-w', '--stdin'], { input: fileContent(rand, `new file ${n}`) });
    gitSync(bare, ['update-index', '--add', '--cacheinfo', `100644,${changed},${filePath(i)}`, '--cacheinfo', `100644,${added},pushed/p${n}.js`], { env });
    const tree = gitSync(bare, ['write-tree'], { env });
    const parent = gitSync(bare, ['rev-parse', 'master']);
    when += 60;
    const date = `${when} +0000`;
    const commit = gitSync(bare, ['commit-tree', tree, '-p', parent, '-m', `push ${n}`], { env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
    gitSync(bare, ['update-ref', 'refs/heads/master', commit, parent]);
    return commit;
  };
}

module.exports = { generateRepo, commitMaker, gitSync, GIT_ENV };
