import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

describe('phase trace (INTEGRALGIT_PHASE_TRACE, read by bench/push-latency.js --trace)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-phase-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function load(target: string | undefined): typeof import('../../lib/trace/phase-trace') {
    const saved = process.env.INTEGRALGIT_PHASE_TRACE;
    if (target === undefined) delete process.env.INTEGRALGIT_PHASE_TRACE;
    else process.env.INTEGRALGIT_PHASE_TRACE = target;
    try {
      let mod!: typeof import('../../lib/trace/phase-trace');
      jest.isolateModules(() => {
        // the variable is read once, when the module loads
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        mod = require('../../lib/trace/phase-trace');
      });
      return mod;
    } finally {
      if (saved === undefined) delete process.env.INTEGRALGIT_PHASE_TRACE;
      else process.env.INTEGRALGIT_PHASE_TRACE = saved;
    }
  }

  it('writes one JSON line per phase, stamped with the wall clock in nanoseconds', () => {
    const file = path.join(dir, 'trace.jsonl');
    const { tracePhase } = load(file);
    const before = BigInt(Date.now()) * 1_000_000n;
    tracePhase('claimed', 'app');
    tracePhase('sync', 'app');
    const after = BigInt(Date.now() + 1) * 1_000_000n;
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { phase: string; repo: string; ns: string });
    expect(lines.map((l) => [l.phase, l.repo])).toEqual([['claimed', 'app'], ['sync', 'app']]);
    for (const l of lines) {
      expect(BigInt(l.ns) >= before && BigInt(l.ns) <= after).toBe(true);
    }
    expect(BigInt(lines[1].ns) >= BigInt(lines[0].ns)).toBe(true);
  });

  it('writes nothing when the variable is unset (production)', () => {
    const { tracePhase } = load(undefined);
    const listing = fs.readdirSync(dir);
    tracePhase('claimed', 'app');
    expect(fs.readdirSync(dir)).toEqual(listing);
  });
});
