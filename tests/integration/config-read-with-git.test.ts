import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { git, makeTempDir } from '../helpers/git-fixture';
import { readConfigWithGit } from '../../lib/config/read-config-with-git';

/** The config read with one `git cat-file --batch` (native path): the same rules as the in-process read. */
describe('reading the config of a commit with git cat-file', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTempDir('ig-cfg-git-');
    git(dir, ['init', '-q', '--bare', dir]);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const blob = (content: string | Buffer): string => execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, input: content }).toString().trim();
  /** a commit whose root tree holds exactly these entries: [mode, name, oid] */
  const commitOf = (entries: Array<[string, string, string]>): string => {
    const tree = git(dir, ['mktree'], entries.map(([mode, name, oid]) => `${mode} ${mode === '040000' ? 'tree' : 'blob'} ${oid}\t${name}`).join('\n') + '\n');
    return git(dir, ['commit-tree', tree, '-m', 'config']);
  };
  const read = (commit: string) =>
    readConfigWithGit({
      commit,
      url: 'https://u:secret@example.com/app.git',
      catFile: async (input) => execFileSync('git', ['cat-file', '--batch'], { cwd: dir, input }),
    });

  it('reads `config`, else `config.json`', async () => {
    const c1 = commitOf([['100644', 'config', blob('{"a":1}')], ['100644', 'config.json', blob('{"b":2}')]]);
    await expect(read(c1)).resolves.toEqual({ commit: c1, filename: 'config', text: '{"a":1}' });
    const c2 = commitOf([['100755', 'config.json', blob('{"b":2}')], ['100644', 'README', blob('x')]]);
    await expect(read(c2)).resolves.toEqual({ commit: c2, filename: 'config.json', text: '{"b":2}' });
  });

  it('refuses a symlink, a directory and a file that is not UTF-8, naming the commit', async () => {
    const link = commitOf([['120000', 'config', blob('/etc/passwd')]]);
    await expect(read(link)).rejects.toMatchObject({ code: 'IG_CONFIG_INVALID', message: expect.stringContaining('symbolic link'), data: { commit: link } });
    const sub = git(dir, ['mktree'], `100644 blob ${blob('{}')}\tinner\n`);
    const asDir = commitOf([['040000', 'config', sub]]);
    await expect(read(asDir)).rejects.toMatchObject({ code: 'IG_CONFIG_INVALID', message: expect.stringContaining('a directory') });
    const latin1 = commitOf([['100644', 'config', blob(Buffer.from([0x7b, 0xe9, 0x7d]))]]);
    await expect(read(latin1)).rejects.toMatchObject({ code: 'IG_CONFIG_INVALID', message: expect.stringContaining('not UTF-8') });
  });

  it('says IG_CONFIG_MISSING (with the commit, without the credentials) when neither file is there', async () => {
    const none = commitOf([['100644', 'README', blob('x')]]);
    const err = (await read(none).catch((e: unknown) => e)) as Error & { code: string; data: Record<string, unknown> };
    expect(err).toMatchObject({ code: 'IG_CONFIG_MISSING', data: { commit: none } });
    expect(err.message).not.toContain('secret');
  });

  it('fails clearly for a commit the object store does not hold', async () => {
    await expect(read('0'.repeat(40))).rejects.toMatchObject({ code: 'IG_CONFIG_INVALID', message: expect.stringContaining('could not be read') });
  });
});
