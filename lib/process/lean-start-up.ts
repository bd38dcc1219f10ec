import type V8 from 'node:v8';

/*
 * What an idle server holds is mostly what its start-up touched (issue 16, docs/benchmarks.md
 * "Fifth round"): loading ~230 modules makes node's module resolver hot enough for V8 to run
 * its optimizing compiler, TurboFan, whose ~4 MB of machine code in the node executable then
 * stay resident, to optimize functions that run at start-up only; and the start-up's
 * allocations grow the young generation from 1 MB to 4 MB, which V8 shrinks only after a full
 * collection an idle server never has. So `serve` starts with TurboFan off and the young
 * generation held at its initial size, and restores V8's defaults once it listens: requests
 * are optimized and sized for as before, from the first hot one on.
 */

/** The V8 flags held during start-up, each with the V8 default it is restored to. */
export const LEAN_START_UP_FLAGS: ReadonlyArray<{ during: string; after: string }> = [
  { during: '--no-opt', after: '--opt' },
  { during: '--semi-space-growth-factor=1', after: '--semi-space-growth-factor=2' },
];

let release: (() => void) | undefined;

/**
 * Apply the start-up flags until endLeanStartUp(). Called by bin/integralgit.js before any
 * module loads, as soon as the command line says `serve`: a single function optimized
 * before it is enough to bring TurboFan's code in. A flag the operator set on node's command
 * line (or in NODE_OPTIONS, which takes `--max-semi-space-size`) is left alone, before and
 * after, and so is the optimizing compiler under `--jitless`.
 */
export function holdLeanStartUp(execArgv: readonly string[] = process.execArgv, nodeOptions: string = process.env.NODE_OPTIONS ?? ''): void {
  release ??= leanFlags(execArgv, nodeOptions);
}

/** V8's defaults again (the server listens); a no-op when nothing is held. */
export function endLeanStartUp(): void {
  release?.();
  release = undefined;
}

/** The flags, in node's spelling, whose presence means the operator chose for each held one. */
const OPERATOR_CHOICES: Record<string, readonly string[]> = {
  '--no-opt': ['opt', 'turbofan', 'jitless'],
  '--semi-space-growth-factor=1': ['semi-space-growth-factor', 'min-semi-space-size', 'max-semi-space-size'],
};

function leanFlags(execArgv: readonly string[], nodeOptions: string): () => void {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((a) => a.replace(/_/g, '-'));
  const chosen = (flag: string): boolean => (OPERATOR_CHOICES[flag] ?? []).some((n) => given.some((a) => new RegExp(`^--(no-)?${n}(=|$)`).test(a)));
  const held = LEAN_START_UP_FLAGS.filter((f) => !chosen(f.during));
  if (held.length === 0) return () => undefined;
  // node:v8 (~4 ms to load) only here: every command imports this module for endLeanStartUp
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const v8 = require('node:v8') as typeof V8;
  for (const f of held) v8.setFlagsFromString(f.during);
  return () => {
    for (const f of held) v8.setFlagsFromString(f.after);
  };
}
