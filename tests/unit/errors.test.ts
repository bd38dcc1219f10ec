import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CODES, IntegralGitError, describeError } from '../../lib/errors';

const root = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('error codes', () => {
  const code = ['lib', 'server', 'cli']
    .flatMap((d) => sources(path.join(root, d)))
    .filter((f) => !f.endsWith(path.join('lib', 'errors.ts')))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
  const doc = fs.readFileSync(path.join(root, 'docs/reference/errors.md'), 'utf8');

  it.each(Object.keys(ERROR_CODES))('%s is used in the code and documented', (c) => {
    expect(code).toContain(`'${c}'`);
    expect(doc).toContain(`\`${c}\``);
  });

  it('carries its exit code, HTTP status and a JSON form', () => {
    const err = new IntegralGitError('IG_WORKCOPY_DIRTY', 'working copy has local changes: a.txt', { files: ['a.txt'] });
    expect(err.exitCode).toBe(1);
    expect(err.status).toBe(409);
    expect(JSON.parse(JSON.stringify(err))).toEqual({ code: 'IG_WORKCOPY_DIRTY', message: 'working copy has local changes: a.txt', data: { files: ['a.txt'] } });
    expect(describeError(err)).toBe('working copy has local changes: a.txt [IG_WORKCOPY_DIRTY]');
  });
});
