import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parsePlainConfig, readRefsFromFiles } from '../../lib/workcopy/native/read-git-files';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

describe('a working copy config read from its file', () => {
  it('keys as git compares them (section and key lower-cased, subsection as written), every value in order', () => {
    const c = parsePlainConfig('[core]\n\tbare = false\n\tlogAllRefUpdates\n[Remote "Up.Stream"]\n\tURL = https://a\n\turl = https://b\n# note\n; note\n');
    expect(c?.get('core.bare')).toEqual(['false']);
    expect(c?.get('core.logallrefupdates')).toEqual(['true']);
    expect(c?.get('remote.Up.Stream.url')).toEqual(['https://a', 'https://b']);
  });

  it.each([
    ['an empty file', ''],
    ['an include', '[include]\n\tpath = x\n'],
    ['an includeIf', '[includeIf "gitdir:/x"]\n\tpath = x\n'],
    ['the old dotted header', '[remote.origin]\n\turl = x\n'],
    ['a key after the header', '[core] bare = false\n'],
    ['a quoted value', '[core]\n\tx = "y"\n'],
    ['an inline comment', '[core]\n\tx = y # z\n'],
    ['a continued line', '[core]\n\tx = y\\\n'],
    ['a key outside any section', 'x = y\n'],
  ])('is left to git for %s', (_what, text) => {
    expect(parsePlainConfig(text)).toBeUndefined();
  });
});

describe('refs read from the files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-refs-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };

  it('takes a loose ref over its packed value, under the prefix and the exact names only', async () => {
    write('packed-refs', `# pack-refs with: peeled fully-peeled sorted \n${A} refs/heads/master\n${A} refs/integralgit/deployed\n^${C}\n${A} refs/tags/v1\n`);
    write('refs/integralgit/deployed', `${B}\n`);
    write('refs/integralgit/sub/x', `${C}\n`);
    write('refs/integralgit/deployed.lock', `${C}\n`);
    const refs = await readRefsFromFiles(dir, new Map(), 'refs/integralgit/', ['refs/heads/master', 'refs/heads/absent']);
    expect(refs && Object.fromEntries(refs)).toEqual({ 'refs/heads/master': A, 'refs/integralgit/deployed': B, 'refs/integralgit/sub/x': C });
  });

  it('is left to git for a symbolic ref, a damaged file or reftable', async () => {
    write('refs/heads/master', 'ref: refs/heads/main\n');
    expect(await readRefsFromFiles(dir, new Map(), 'refs/integralgit/', ['refs/heads/master'])).toBeUndefined();
    write('refs/heads/master', 'xyz\n');
    expect(await readRefsFromFiles(dir, new Map(), 'refs/integralgit/', ['refs/heads/master'])).toBeUndefined();
    expect(await readRefsFromFiles(dir, new Map([['extensions.refstorage', ['reftable']]]), 'refs/integralgit/', [])).toBeUndefined();
  });
});
