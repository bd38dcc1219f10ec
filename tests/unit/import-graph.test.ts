import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The import graph of the sources, read the way the compiler reads it (type-only imports
 * included: they couple modules as much as value imports do). An import cycle means two
 * modules cannot be understood, tested or moved one without the other.
 */

const ROOT = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate));
}

function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    graph.set(
      file,
      importedFiles.map((i) => resolveImport(file, i.fileName)).filter((f): f is string => f !== undefined),
    );
  }
  return graph;
}

/** Strongly connected components of more than one node (Tarjan): each is a cycle. */
function cycles(graph: Map<string, Iterable<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** `lib/<folder>/…` → `<folder>`; files directly in lib/ have none. */
function libFolder(file: string): string | undefined {
  const parts = path.relative(path.join(ROOT, 'lib'), file).split(path.sep);
  return parts.length > 1 ? parts[0] : undefined;
}

/** Pairs of lib/ folders that import each other, as `a <-> b` with a < b. */
function mutualFolders(graph: Map<string, string[]>): string[] {
  const edges = new Map<string, Set<string>>();
  for (const [file, imports] of graph) {
    const from = libFolder(file);
    if (from === undefined) continue;
    for (const target of imports) {
      const to = libFolder(target);
      if (to === undefined || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  const pairs: string[] = [];
  for (const [a, targets] of edges) {
    for (const b of targets) if (a < b && edges.get(b)?.has(a)) pairs.push(`${a} <-> ${b}`);
  }
  return pairs.sort();
}

const graph = importGraph(['lib', 'server', 'cli'].flatMap((dir) => sourceFiles(path.join(ROOT, dir))));

describe('import graph', () => {
  it('has no cycle between files of lib/, server/ and cli/', () => {
    const named = cycles(graph).map((component) => component.map((f) => path.relative(ROOT, f)));
    expect(named).toEqual([]);
  });

  it('keeps lib/providers and lib/webhooks one-way: the shared primitives live in lib/webhook-primitives', () => {
    expect(mutualFolders(graph)).not.toContain('providers <-> webhooks');
    const primitivesImports = [...graph]
      .filter(([file]) => libFolder(file) === 'webhook-primitives')
      .flatMap(([, imports]) => imports.map(libFolder))
      .filter((folder) => folder !== undefined && folder !== 'webhook-primitives');
    expect(primitivesImports).toEqual([]);
  });

  it('adds no new pair of lib/ folders that import each other', () => {
    // A ratchet: these pairs predate the check. Remove a line when its pair is untangled;
    // never add one (put what both need in a folder both import instead).
    const known = ['config <-> validation', 'deploy <-> fleet', 'outcomes <-> settings', 'settings <-> validation'];
    expect(mutualFolders(graph).filter((pair) => !known.includes(pair))).toEqual([]);
  });
});
