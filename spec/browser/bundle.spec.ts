/**
 * The Angular sample's production bundle (built by scripts/setup-web.mjs, esbuild metafile in
 * dist/stats.json): one copy of rxjs and of Angular, codex-rx's browser-safe core only — no
 * Node built-ins, no gateway, no process spawning; validation in lazy chunks, not the initial load.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { setupProblem } from './support/web-demo';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SAMPLE_DIST } = require('../../scripts/web/state.cjs') as { SAMPLE_DIST: string };

const problem = setupProblem();

function bundledInputs(): string[] {
  if (problem) throw new Error(problem);
  const stats = JSON.parse(readFileSync(path.join(SAMPLE_DIST, 'stats.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  const inputs = new Set<string>();
  for (const output of Object.values(stats.outputs)) for (const input of Object.keys(output.inputs)) inputs.add(input);
  return [...inputs];
}

/** The package folders (…/node_modules/<name>/) that `name`'s bundled files come from. */
function copiesOf(inputs: string[], name: string): string[] {
  const marker = `node_modules/${name}/`;
  return [...new Set(inputs.filter((i) => i.includes(marker)).map((i) => i.slice(0, i.indexOf(marker) + marker.length)))];
}

test('the bundle holds exactly one rxjs and one @angular/core', () => {
  const inputs = bundledInputs();
  expect(copiesOf(inputs, 'rxjs')).toEqual(['node_modules/rxjs/']);
  expect(copiesOf(inputs, '@angular/core')).toEqual(['node_modules/@angular/core/']);
});

test("codex-rx's browser core is bundled, and nothing Node-only", () => {
  const inputs = bundledInputs();
  const codexRx = inputs.filter((i) => i.includes('node_modules/codex-rx/'));
  expect(codexRx.some((i) => i.endsWith('/angular/provide-codex.js'))).toBe(true);
  expect(codexRx.some((i) => i.endsWith('/codex.js'))).toBe(true);
  expect(codexRx.filter((i) => /\/(node|gateway|testing)\//.test(i) || /stdio/.test(i))).toEqual([]);
  expect(inputs.filter((i) => /^node:|(^|\/)(child_process|cross-spawn|which|isexe)(\/|$)/.test(i))).toEqual([]);
  expect(copiesOf(inputs, 'codex-rx')).toEqual(['node_modules/codex-rx/']); // the packed copy, not a symlinked checkout
});

interface Output {
  readonly inputs: Record<string, unknown>;
  readonly imports: readonly { readonly path: string; readonly kind: string }[];
  readonly entryPoint?: string;
}

/** The sample's JS files, each marked initial (loaded with the page: main and its static imports, transitively) or lazy. */
function chunks(): { file: string; initial: boolean; inputs: string[]; bytes: number; gzip: number }[] {
  if (problem) throw new Error(problem);
  const outputs = (JSON.parse(readFileSync(path.join(SAMPLE_DIST, 'stats.json'), 'utf8')) as { outputs: Record<string, Output> }).outputs;
  const initial = new Set<string>();
  const visit = (file: string) => {
    if (initial.has(file) || !outputs[file]) return;
    initial.add(file);
    for (const i of outputs[file].imports) if (i.kind === 'import-statement') visit(i.path);
  };
  for (const [file, output] of Object.entries(outputs)) if (output.entryPoint === 'src/main.ts') visit(file);
  return Object.entries(outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, output]) => {
      const code = readFileSync(path.join(SAMPLE_DIST, 'browser', path.basename(file)));
      return { file, initial: initial.has(file), inputs: Object.keys(output.inputs), bytes: code.length, gzip: gzipSync(code).length };
    });
}

test('validation is not in the initial load: the params validators, ajv and the schema text are lazy chunks', () => {
  const all = chunks();
  const initial = all.filter((c) => c.initial);
  const lazy = all.filter((c) => !c.initial);
  expect(initial.some((c) => c.inputs.some((i) => i.endsWith('/codex-rx/dist/esm/codex.js')))).toBe(true);
  const validationOnly = /codex-rx\/dist\/esm\/(protocol\/(validators|params-definitions|schema-text)\.generated|validation\/(params-validator|inbound-validator|protocol-schemas|output-validator))\.js$|node_modules\/ajv\/dist\/(core|compile\/index)\.js$/;
  expect(initial.flatMap((c) => c.inputs.filter((i) => validationOnly.test(i)))).toEqual([]);
  const validators = lazy.find((c) => c.inputs.some((i) => i.endsWith('/codex-rx/dist/esm/protocol/validators.generated.js')));
  expect(validators).toBeDefined();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const size = (cs: typeof all) => `${kb(cs.reduce((n, c) => n + c.bytes, 0))} raw, ${kb(cs.reduce((n, c) => n + c.gzip, 0))} gzip`;
  process.stdout.write(
    `angular sample (js): initial ${size(initial)} (${initial.length} files); lazy ${size(lazy)} (${lazy.length} files), of which the params validators ${size([validators!])}\n`,
  );
});

test('the initial load stays within 100 kB over the wire (gzip)', () => {
  const initialGzip = chunks()
    .filter((c) => c.initial)
    .reduce((n, c) => n + c.gzip, 0);
  expect(initialGzip).toBeLessThanOrEqual(100 * 1000);
});
