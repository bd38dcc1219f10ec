import { repoMatchKey, repositoryKey, sameRepository, remoteKind, redactUrl, classifyRepoUrl } from '../../lib/remote-url';
import { matchRepo } from '../../lib/webhooks/match-repo';
import { assertSameRepository } from '../../lib/workcopy/core/inspect-location';
import type { RepoSettings } from '../../lib/settings/types';

/** One module decides what a git URL is; every user of it agrees (issue 11). */
describe('one git remote URL module', () => {
  const settingsUrl = 'https://github.com/Acme/App';
  const remoteInCopy = 'git@github.com:acme/app.git';

  it('the webhook matcher and the working-copy check agree that differently spelled URLs are one repository', () => {
    expect(sameRepository(settingsUrl, remoteInCopy)).toBe(true);
    expect(repoMatchKey(settingsUrl)).toBe(repoMatchKey(remoteInCopy));
    const repo = { name: 'app', url: settingsUrl } as RepoSettings;
    expect(matchRepo([remoteInCopy], { app: repo })).toBe(repo);
    expect(() => assertSameRepository('/srv/app', settingsUrl, 'origin', { origin: remoteInCopy })).not.toThrow();
    expect(() => assertSameRepository('/srv/app', settingsUrl, 'origin', { origin: 'git@github.com:acme/other.git' })).toThrow(/other/);
  });

  it('local repositories compare by exact path, hosted ones by host and path', () => {
    expect(repositoryKey('/srv/git/App.git')).toBe('file:srv/git/App');
    expect(sameRepository('/srv/git/App.git', '/srv/git/app.git')).toBe(false);
    expect(sameRepository('file:///srv/git/app.git', '/srv/git/app')).toBe(true);
    expect(repoMatchKey('/srv/git/app.git')).toBeUndefined();
  });

  it('kinds, redaction and the settings check live here too', () => {
    expect(remoteKind('git@github.com:acme/app.git')).toBe('ssh');
    expect(remoteKind('https://github.com/acme/app')).toBe('http');
    expect(redactUrl('https://user:tok@host/a.git')).toBe('https://host/a.git');
    expect(classifyRepoUrl('https://user:tok@host/a.git')).toHaveProperty('problem');
    expect(classifyRepoUrl(remoteInCopy)).toEqual({ kind: 'ssh' });
  });
});
