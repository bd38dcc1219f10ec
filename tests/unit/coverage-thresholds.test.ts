import { checkThresholds, summarize, type FileSummary } from '../../scripts/coverage/check-thresholds';

const file = (lines: [number, number], branches: [number, number]): FileSummary => ({
  lines: { covered: lines[0], total: lines[1] },
  branches: { covered: branches[0], total: branches[1] },
  functions: { covered: 1, total: 1 },
  statements: { covered: lines[0], total: lines[1] },
});

const files = {
  'lib/deploy/run.ts': file([9, 10], [3, 4]),
  'lib/deploy/stages/gate.ts': file([10, 10], [1, 4]),
  'server/app.ts': file([1, 10], [0, 0]),
};

describe('summarize: covered over total of the files under a path, not a mean of percentages', () => {
  it('sums the counts of every file under the prefix', () => {
    const s = summarize(files, 'lib/deploy/');
    expect(s.lines).toEqual({ covered: 19, total: 20, pct: 95 });
    expect(s.branches).toEqual({ covered: 4, total: 8, pct: 50 });
  });
  it('the empty prefix is every file', () => {
    expect(summarize(files, '').lines?.pct).toBeCloseTo(66.667, 3);
  });
  it('a measure with nothing to count is 100 % (a file without a branch is not uncovered)', () => {
    expect(summarize(files, 'server/').branches?.pct).toBe(100);
  });
});

describe('checkThresholds', () => {
  it('passes when every floor is met', () => {
    expect(checkThresholds(files, { global: { lines: 60, branches: 50 }, paths: { 'lib/deploy/': { branches: 50 } } })).toEqual([]);
  });
  it('names the scope, the measure, the figure and the floor of each shortfall', () => {
    expect(checkThresholds(files, { global: { lines: 90 }, paths: { 'lib/deploy/': { branches: 80 } } })).toEqual([
      'global lines 66.67 % is below the floor of 90 %',
      'lib/deploy/ branches 50.00 % is below the floor of 80 %',
    ]);
  });
  it('a path that matches no file fails instead of passing vacuously', () => {
    expect(checkThresholds(files, { paths: { 'lib/workcopy/': { lines: 1 } } })).toEqual([
      'lib/workcopy/: no covered file matches this path (a renamed folder? update scripts/coverage/thresholds.js)',
    ]);
  });
});
