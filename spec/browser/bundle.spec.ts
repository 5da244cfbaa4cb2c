/**
 * The Angular sample's production bundle (built by scripts/setup-web.mjs, esbuild metafile in
 * dist/stats.json): one copy of rxjs and of Angular, codex-rx's browser-safe core only — no
 * Node built-ins, no gateway, no process spawning.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
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
