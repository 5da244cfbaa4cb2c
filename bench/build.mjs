#!/usr/bin/env node
// Compiles lib/ and bench/*.ts with the TypeScript compiler (per file, as tsc emits them with
// isolatedModules) to ES2022 modules under bench/.build/ — the same code dist/esm ships — so
// the benchmark measures what users run, not a dev-time transform. Only changed files are
// re-emitted. Type checking is `npm run typecheck`'s job.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const bench = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(bench, '..');
const out = path.join(bench, '.build');

const compilerOptions = { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, isolatedModules: true, esModuleInterop: true, sourceMap: false };

// The modules the benchmark loads at run time: bench/*.ts and the lib files they import
// (relative value imports, followed transitively; `import type`/`export type` are erased).
const VALUE_IMPORT = /(?:^|[\n;])\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;
const seen = new Set();
const queue = readdirSync(bench)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((f) => path.join(bench, f));
let emitted = 0;
while (queue.length > 0) {
  const file = queue.pop();
  if (seen.has(file)) continue;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const m of source.matchAll(VALUE_IMPORT)) {
    const spec = m[1] ?? m[2];
    const dep = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
    if (existsSync(dep)) queue.push(dep);
    else if (existsSync(path.join(dep.replace(/\.ts$/, ''), 'index.ts'))) queue.push(path.join(dep.replace(/\.ts$/, ''), 'index.ts'));
  }
  const target = path.join(out, path.relative(root, file)).replace(/\.ts$/, '.js');
  if (existsSync(target) && statSync(target).mtimeMs >= statSync(file).mtimeMs) continue;
  const { outputText, diagnostics } = ts.transpileModule(source, { compilerOptions, fileName: file, reportDiagnostics: true });
  if (diagnostics?.length) throw new Error(`${file}: ${ts.flattenDiagnosticMessageText(diagnostics[0].messageText, '\n')}`);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, outputText);
  emitted++;
}
writeFileSync(path.join(out, 'package.json'), '{ "type": "module" }\n');
process.stderr.write(`bench/build.mjs: ${emitted} of ${seen.size} module(s) compiled to ${path.relative(root, out)}/\n`);
