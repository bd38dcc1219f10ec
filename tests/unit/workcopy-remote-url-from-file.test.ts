import { remoteUrlFromFile } from '../../lib/workcopy/native/native-prefetch';

describe("a copy's remote URL read from .git/config without git", () => {
  const cloned = '[core]\n\trepositoryformatversion = 0\n\tbare = false\n[remote "origin"]\n\turl = https://git.example.com/acme/app.git\n\tfetch = +refs/heads/master:refs/remotes/origin/master\n[branch "master"]\n\tremote = origin\n';

  it('reads the plain file git writes for a clone', () => {
    expect(remoteUrlFromFile(cloned, 'origin')).toBe('https://git.example.com/acme/app.git');
    expect(remoteUrlFromFile(cloned, 'upstream')).toBe('');
  });

  it('leaves anything unusual to git: includes, several URLs, quoting, continued lines, no file', () => {
    expect(remoteUrlFromFile(`${cloned}[include]\n\tpath = other\n`, 'origin')).toBeUndefined();
    expect(remoteUrlFromFile(cloned.replace('\tfetch', '\turl = https://mirror.example.com/app.git\n\tfetch'), 'origin')).toBeUndefined();
    expect(remoteUrlFromFile(cloned.replace('url = https://git.example.com/acme/app.git', 'url = "https://x" # c'), 'origin')).toBeUndefined();
    expect(remoteUrlFromFile(cloned.replace('app.git\n', 'app\\\n.git\n'), 'origin')).toBeUndefined();
    expect(remoteUrlFromFile('', 'origin')).toBeUndefined();
  });
});
