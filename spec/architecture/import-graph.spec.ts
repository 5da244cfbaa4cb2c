import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

// The layers of lib/, lowest first (STYLE.md, DESIGN.md "Architecture"). A file may import its
// own layer and the ones below, never one above; imports may not form a cycle. Every import
// counts: `import type`, `export … from` and `import()` included (ts.preProcessFile finds them).
//
// The order follows the code: protocol/ (the generated types and tables, where ids sit in a
// message) imports nothing of rpc/, and rpc/ reads its tables to route — so protocol sits below
// rpc. Validation is split by what it is: the pure helpers (formats, the explainer, edit
// distance) sit at the base; the schema validators sit with the protocol they check; the loader
// that wires them to a client sits with the client.
const LIB = path.resolve(__dirname, '..', '..', 'lib');

const LAYERS: ReadonlyArray<readonly [string, RegExp]> = [
  ['base', /^(errors|secret-redaction)\.ts$|^protocol\/generated\/|^validation\/(formats|explain|did-you-mean)\.ts$/],
  ['transport', /^transport\//],
  ['protocol', /^protocol\/|^version\.ts$|^validation\/(params-validator|inbound-validator|protocol-schemas|output-validator|validate-params)\.ts$/],
  ['rpc', /^rpc\//],
  ['client API', /^[^/]+\.ts$|^(turn|approvals|streams|operators|validation)\//],
  ['edges', /^(node|gateway|angular|testing)\//],
];

function layerOf(file: string): number {
  const i = LAYERS.findIndex(([, re]) => re.test(file));
  if (i < 0) throw new Error(`${file} is in no layer: add it to LAYERS`);
  return i;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : name.endsWith('.ts') ? [full] : [];
  });
}

/** Every lib/ file each lib/ file imports (relative specifiers; packages are not layers). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const full of sources(LIB)) {
    const info = ts.preProcessFile(readFileSync(full, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((f) => f.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => {
        const resolved = path.resolve(path.dirname(full), spec.replace(/\.js$/, '.ts'));
        return path.relative(LIB, /\.ts$/.test(resolved) ? resolved : `${resolved}/index.ts`);
      });
    graph.set(path.relative(LIB, full), [...new Set(targets)]);
  }
  return graph;
}

/** Cycles (strongly connected components of more than one file, or a file importing itself). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}


const graph = importGraph();

test('every lib/ file is in a layer, and every import target exists', () => {
  for (const [file, targets] of graph) {
    layerOf(file);
    for (const t of targets) expect({ file, imports: t, exists: graph.has(t) }).toEqual({ file, imports: t, exists: true });
  }
  expect(graph.size).toBeGreaterThan(100);
});

test('no import goes from a lower layer to a higher one (type-only imports included)', () => {
  const upward: string[] = [];
  for (const [file, targets] of graph) {
    for (const t of targets) if (layerOf(t) > layerOf(file)) upward.push(`${file} -> ${t}`);
  }
  expect(upward.sort()).toEqual([]);
});

test('no import cycles (type-only imports included)', () => {
  expect(cycles(graph)).toEqual([]);
});

test('the checks can fail: an upward import and a cycle are found in a made-up graph', () => {
  const made = new Map([
    ['transport/a.ts', ['rpc/b.ts']],
    ['rpc/b.ts', ['transport/a.ts']],
  ]);
  expect(cycles(made)).toEqual([['rpc/b.ts', 'transport/a.ts']]);
  expect(layerOf('transport/a.ts') < layerOf('rpc/b.ts')).toBe(true);
});
