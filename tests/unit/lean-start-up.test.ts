import { spawnSync } from 'node:child_process';
import path from 'node:path';

const MODULE = path.resolve(__dirname, '../../dist/lib/process/lean-start-up.js');

/**
 * `serve` starts with TurboFan off and the young generation held (issue 16, idle memory) and
 * gets V8's defaults back once it listens. Run in a child node with V8's natives syntax: a
 * function asked to optimize is not while the start-up is held, one asked after is; an
 * operator's own `--no-opt` survives both. Uses the built module (dist/), as the binary does.
 */
function probe(nodeFlags: string[]): { during: number; after: number } {
  // each function is made hot and asked to optimize on its next call: a loop heating it
  // would leave the outcome to timing (CI saw the loop end before the background compile
  // came back, and on-stack replacement can optimize the loop instead of the function)
  const script = `
    const lean = require(${JSON.stringify(MODULE)});
    const make = () => function hot(x) { return (x * 7) % 13; };
    const optimize = (f) => { %PrepareFunctionForOptimization(f); f(1); f(2); %OptimizeFunctionOnNextCall(f); f(3); return %GetOptimizationStatus(f); };
    lean.holdLeanStartUp();
    const during = optimize(make());
    lean.endLeanStartUp();
    const after = optimize(make());
    console.log(JSON.stringify({ during, after }));
  `;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--no-concurrent-recompilation', ...nodeFlags, '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { during: number; after: number };
}

// V8's optimization status: bit 4 (16) is "optimized"
const optimized = (status: number): boolean => (status & 16) !== 0;

describe('lean start-up', () => {
  it('keeps a hot function unoptimized while held, and optimizes again once ended', () => {
    const s = probe([]);
    expect(optimized(s.during)).toBe(false);
    expect(optimized(s.after)).toBe(true);
  });

  it("leaves the operator's own --no-opt alone", () => {
    expect(optimized(probe(['--no-opt']).after)).toBe(false);
  });

  it('never turns the optimizing compiler on under --jitless', () => {
    const s = probe(['--jitless']);
    expect(optimized(s.during)).toBe(false);
    expect(optimized(s.after)).toBe(false);
  });
});
