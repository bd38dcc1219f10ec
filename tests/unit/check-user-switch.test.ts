import { assertCanRunAs, canSwitchUsers } from '../../lib/process/check-user-switch';
import { IntegralGitError } from '../../lib/errors';
import type { Settings } from '../../lib/settings/types';

const status = (capEff: string): string => `Name:\tnode\nCapInh:\t0000000000000000\nCapEff:\t${capEff}\nCapBnd:\t000001ffffffffff\n`;

describe('canSwitchUsers: root, or CAP_SETUID and CAP_SETGID in CapEff', () => {
  it('root may, whatever its capabilities say', () => {
    expect(canSwitchUsers(0, status('0000000000000000'))).toBe(true);
  });
  it('a non-root user with both capabilities may (bits 6 and 7: 0xc0)', () => {
    expect(canSwitchUsers(1000, status('00000000000000c0'))).toBe(true);
  });
  it('one of the two is not enough', () => {
    expect(canSwitchUsers(1000, status('0000000000000080'))).toBe(false);
    expect(canSwitchUsers(1000, status('0000000000000040'))).toBe(false);
  });
  it('no capabilities, or no /proc, is no', () => {
    expect(canSwitchUsers(1000, status('0000000000000000'))).toBe(false);
    expect(canSwitchUsers(1000, undefined)).toBe(false);
  });
});

describe('assertCanRunAs', () => {
  const settings = (runAs: boolean): Settings =>
    ({ repos: { app: { name: 'app', ...(runAs ? { runAs: { user: 'app', group: 'www', uid: 990, gid: 33, home: '/' } } : {}) } } }) as unknown as Settings;

  it('without runAs, nothing is required', () => {
    expect(() => assertCanRunAs(settings(false), 1000, status('0000000000000000'))).not.toThrow();
  });
  it('with runAs and no privilege: IG_PRIVILEGES_MISSING naming the repo, the user and the fix', () => {
    let err: unknown;
    try {
      assertCanRunAs(settings(true), 1000, status('0000000000000000'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IntegralGitError);
    expect((err as IntegralGitError).code).toBe('IG_PRIVILEGES_MISSING');
    expect((err as Error).message).toContain('repos.app.runAs (app:www)');
    expect((err as Error).message).toContain('runas.conf');
  });
});
