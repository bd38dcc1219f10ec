import fs from 'node:fs';
import path from 'node:path';
import { IntegralGitError } from '../../lib/errors';
import { loadSettings } from '../../lib/settings/load-settings';
import { removeTempDirs, repo, tempDir, writeSettings } from '../fixtures/settings/write-settings';

afterAll(removeTempDirs);

function problemsOf(file: string): { path: string; message: string }[] {
  try {
    loadSettings(file, {}, {});
  } catch (err) {
    expect((err as IntegralGitError).code).toBe('IG_SETTINGS_INVALID');
    return (err as IntegralGitError).data.problems as { path: string; message: string }[];
  }
  throw new Error('expected IG_SETTINGS_INVALID');
}

describe('settings: safe deployments (SPEC §10)', () => {
  it('defaults: no healthcheck hosts, no signature policy, rewinds allowed', () => {
    const s = loadSettings(writeSettings({ repos: { app: repo() } }), {}, {});
    expect(s.healthcheckHosts).toEqual([]);
    expect(s.repos.app.requireSignedCommits).toBeUndefined();
    expect(s.repos.app.refuseNonFastForward).toBeUndefined();
  });

  it('reads healthcheckHosts (lower-cased, IPv6 brackets dropped), requireSignedCommits with paths relative to the file, refuseNonFastForward', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'allowed_signers'), '');
    fs.mkdirSync(path.join(dir, 'gnupg'));
    const file = writeSettings(
      {
        healthcheckHosts: ['App.Internal', '[::1]', '10.0.0.5'],
        repos: { app: repo({ requireSignedCommits: { allowedSignersFile: 'allowed_signers', gpgKeyring: 'gnupg' }, refuseNonFastForward: true }) },
      },
      'settings.json',
      dir,
    );
    const s = loadSettings(file, {}, {});
    expect(s.healthcheckHosts).toEqual(['app.internal', '::1', '10.0.0.5']);
    expect(s.repos.app.requireSignedCommits).toEqual({ allowedSignersFile: path.join(dir, 'allowed_signers'), gpgKeyring: path.join(dir, 'gnupg') });
    expect(s.repos.app.refuseNonFastForward).toBe(true);
  });

  it('refuses a missing signers file or keyring, an empty policy, a host with a scheme or port, and a typo with a hint', () => {
    const file = writeSettings({
      healthcheckHosts: ['http://app:3000'],
      repos: {
        a: repo({ requireSignedCommits: { allowedSignersFile: '/nonexistent/allowed_signers', gpgKeyring: '/nonexistent/gnupg' } }),
        b: repo({ requireSignedCommits: {} }),
        c: repo({ refuseNonFastForwards: true }),
      },
    });
    const problems = problemsOf(file);
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '/healthcheckHosts/0', message: expect.stringContaining('bare host name') },
        { path: '/repos/a/requireSignedCommits/allowedSignersFile', message: '/nonexistent/allowed_signers does not exist' },
        { path: '/repos/a/requireSignedCommits/gpgKeyring', message: '/nonexistent/gnupg does not exist' },
        expect.objectContaining({ path: '/repos/b/requireSignedCommits' }),
        expect.objectContaining({ path: '/repos/c/refuseNonFastForwards', message: expect.stringContaining('refuseNonFastForward') }),
      ]),
    );
  });
});
