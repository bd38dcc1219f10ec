import { spawnSync } from 'node:child_process';
import path from 'node:path';

const MODULE = path.resolve(__dirname, '../../dist/lib/process/lean-start-up.js');

/**
 * `serve` starts with TurboFan off and the young generation held (issue 16, idle memory) and
 * gets V8's defaults back once it listens. Run in a child node with V8's natives syntax: a
 * hot function is not optimized while the start-up is held, one heated after is; an
 * operator's own `--no-opt` survives both. Uses the built module (dist/), as the binary does.
 */
function probe(nodeFlags: string[]): { during: number; after: number } {
  const script = `
    const lean = require(${JSON.stringify(MODULE)});
    const make = () => function hot(x) { return (x * 7) % 13; };
    const heat = (f) => { let s = 0; for (let i = 0; i < 3e6; i++) s += f(i); return s; };
    lean.holdLeanStartUp();
    const a = make(); heat(a);
    lean.endLeanStartUp();
    const b = make(); heat(b);
    console.log(JSON.stringify({ during: %GetOptimizationStatus(a), after: %GetOptimizationStatus(b) }));
  `;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', ...nodeFlags, '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
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
