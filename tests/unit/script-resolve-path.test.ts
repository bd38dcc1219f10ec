import { resolveScriptPath } from '../../lib/script/resolve-script';
import { IntegralGitError } from '../../lib/errors';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as IntegralGitError).code;
  }
  return undefined;
}

describe('resolveScriptPath', () => {
  it('resolves a relative script against the location', () => {
    expect(resolveScriptPath('./deploy.sh', '/srv/www/app')).toBe('/srv/www/app/deploy.sh');
    expect(resolveScriptPath('bin/deploy', '/srv/www/app/')).toBe('/srv/www/app/bin/deploy');
    expect(resolveScriptPath('bin/../deploy.sh', '/srv/www/app')).toBe('/srv/www/app/deploy.sh');
  });

  it('takes an absolute script as it is (normalised)', () => {
    expect(resolveScriptPath('/opt/special.sh', '/srv/www/app')).toBe('/opt/special.sh');
    expect(resolveScriptPath('/opt/x/../special.sh', '/srv/www/app')).toBe('/opt/special.sh');
  });

  it.each(['../../bin/x', '..', '../app2/deploy.sh', 'bin/../../x', '.', './'])('refuses %s, which leaves or is the location', (script) => {
    expect(codeOf(() => resolveScriptPath(script, '/srv/www/app'))).toBe('IG_CONFIG_INVALID');
  });

  it('names the location and the fix when refusing', () => {
    expect(() => resolveScriptPath('../../bin/x', '/srv/www/app')).toThrow(/outside the location \/srv\/www\/app.*absolute path/);
  });

  it.each(['', '   ', 'a\0b'])('refuses an unusable script %j', (script) => {
    expect(codeOf(() => resolveScriptPath(script, '/srv/www/app'))).toBe('IG_CONFIG_INVALID');
  });

  it('allows a file whose name starts with two dots', () => {
    expect(resolveScriptPath('..deploy.sh', '/srv/www/app')).toBe('/srv/www/app/..deploy.sh');
  });
});
