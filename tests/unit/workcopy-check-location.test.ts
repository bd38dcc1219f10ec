import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertLocationAllowed } from '../../lib/workcopy/core/check-location';

describe('assertLocationAllowed', () => {
  let tmp: string;
  let root: string;
  let elsewhere: string;
  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ig-loc-')));
    root = path.join(tmp, 'www');
    elsewhere = path.join(tmp, 'etc');
    fs.mkdirSync(root);
    fs.mkdirSync(elsewhere);
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('accepts a location inside a root, existing or not', () => {
    expect(assertLocationAllowed(path.join(root, 'app'), [root])).toBe(path.join(root, 'app'));
    expect(assertLocationAllowed(path.join(root, 'a', 'b', 'c'), ['/nonexistent', root])).toBe(path.join(root, 'a', 'b', 'c'));
  });

  it('accepts a symlink inside a root that stays inside, returning the real path', () => {
    fs.mkdirSync(path.join(root, 'releases'));
    fs.symlinkSync(path.join(root, 'releases'), path.join(root, 'current'));
    expect(assertLocationAllowed(path.join(root, 'current', 'app'), [root])).toBe(path.join(root, 'releases', 'app'));
  });

  it.each([
    ['outside every root', (_r: string, e: string) => path.join(e, 'app')],
    ['climbing out with ..', (r: string) => path.join(r, '..', 'etc', 'app')],
    ['the root itself', (r: string) => r],
    ['a relative path', () => 'www/app'],
  ])('refuses a location %s', (_label, make) => {
    expect(() => assertLocationAllowed(make(root, elsewhere), [root])).toThrow(expect.objectContaining({ code: 'IG_LOCATION_FORBIDDEN' }));
  });

  it('refuses a location reached through a symlink pointing out of the root, saying so', () => {
    fs.symlinkSync(elsewhere, path.join(root, 'link'));
    expect(() => assertLocationAllowed(path.join(root, 'link', 'app'), [root])).toThrow(/through a symlink/);
  });

  it('follows a dangling symlink to where a directory would be created', () => {
    fs.symlinkSync(path.join(elsewhere, 'not-yet'), path.join(root, 'dangling'));
    expect(() => assertLocationAllowed(path.join(root, 'dangling', 'app'), [root])).toThrow(/outside every allowed root/);
  });

  it('names the location, the roots and the setting', () => {
    expect(() => assertLocationAllowed('/opt/app', [root, '/srv/other'])).toThrow(
      expect.objectContaining({ message: expect.stringMatching(new RegExp(`/opt/app.*${root}, /srv/other.*allowedRoots`)) }),
    );
  });
});
