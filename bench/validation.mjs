#!/usr/bin/env node
// npm run bench:validation — params validation, compiled ahead of time (what codex-rx ships:
// lib/protocol/validators.generated.ts) against ajv compiling the binary's schema at run time
// (what it did before, still how inbound validation works), in one run:
//   bundle size (esbuild, minified, and gzipped), module load time, first call of a method in a
//   fresh process, warm call. Each contender is bundled once; every load/first-call figure is
//   the median over fresh `node` processes that alternate between the contenders.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const processes = Number(process.argv[2] ?? 9);
const dir = mkdtempSync(path.join(tmpdir(), 'codex-rx-bench-validation-'));

const PARAMS = {
  'thread/start': { cwd: '/tmp', sandbox: 'workspace-write', approvalPolicy: 'never' },
  'turn/start': { threadId: 'thr', input: [{ type: 'text', text: 'hello', text_elements: [] }] },
};

const contenders = {
  aot: `import { validateParams } from './lib/validation/params-validator';
        export const check = (m, p) => validateParams(m, p);`,
  runtime: `import { ProtocolSchema } from './lib/validation/protocol-schemas';
            import { CLIENT_REQUEST_SCHEMA } from './lib/protocol/schema-text.generated';
            const schema = new ProtocolSchema(CLIENT_REQUEST_SCHEMA);
            export const check = (m, p) => schema.check(schema.paramsOf(m).definition, p);`,
};

const files = {};
const sizes = {};
for (const [name, contents] of Object.entries(contenders)) {
  const out = buildSync({ stdin: { contents, resolveDir: root, loader: 'ts' }, bundle: true, write: false, format: 'esm', platform: 'neutral', mainFields: ['module', 'main'], minify: true, target: 'es2022', logLevel: 'silent' });
  const code = out.outputFiles[0].contents;
  files[name] = path.join(dir, `${name}.mjs`);
  writeFileSync(files[name], code);
  sizes[name] = { bytes: code.length, gzip: gzipSync(code).length };
}

// One fresh process: load time, first call of each method, then the warm cost per call.
const probe = (file) => `
const t0 = performance.now();
const { check } = await import(${JSON.stringify(file)});
const load = performance.now() - t0;
const params = ${JSON.stringify(PARAMS)};
const first = {};
for (const [m, p] of Object.entries(params)) { const t = performance.now(); const r = check(m, p); first[m] = performance.now() - t; if (r !== undefined) throw new Error(m + ': ' + JSON.stringify(r)); }
const N = 20000; const t1 = performance.now();
for (let i = 0; i < N; i++) check('turn/start', params['turn/start']);
const warm = (performance.now() - t1) / N;
console.log(JSON.stringify({ load, first, warm }));`;

const runs = { aot: [], runtime: [] };
for (let i = 0; i < processes; i++) {
  for (const name of i % 2 === 0 ? ['aot', 'runtime'] : ['runtime', 'aot']) {
    runs[name].push(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe(files[name])], { encoding: 'utf8' })));
  }
}
rmSync(dir, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => (x >= 1 ? `${x.toFixed(1)} ms` : `${(x * 1000).toFixed(1)} µs`);
const kib = (b) => `${(b / 1024).toFixed(0)} KiB`;
const stat = (name, pick) => median(runs[name].map(pick));
const rows = [
  ['bundle (minified)', kib(sizes.aot.bytes), kib(sizes.runtime.bytes), sizes.aot.bytes / sizes.runtime.bytes],
  ['bundle (gzip)', kib(sizes.aot.gzip), kib(sizes.runtime.gzip), sizes.aot.gzip / sizes.runtime.gzip],
  ['module load', ms(stat('aot', (r) => r.load)), ms(stat('runtime', (r) => r.load)), stat('aot', (r) => r.load) / stat('runtime', (r) => r.load)],
  ...Object.keys(PARAMS).map((m) => [`first call ${m}`, ms(stat('aot', (r) => r.first[m])), ms(stat('runtime', (r) => r.first[m])), stat('aot', (r) => r.first[m]) / stat('runtime', (r) => r.first[m])]),
  ['warm call turn/start', ms(stat('aot', (r) => r.warm)), ms(stat('runtime', (r) => r.warm)), stat('aot', (r) => r.warm) / stat('runtime', (r) => r.warm)],
];
const aotFirstVsWarm = stat('aot', (r) => r.first['turn/start']) / stat('aot', (r) => r.warm);
console.log(`params validation, ${processes} fresh processes per contender (node ${process.version})\n`);
console.log('| measure | ahead of time (codex-rx) | ajv at run time (before) | ratio |\n| --- | --- | --- | --- |');
for (const [label, a, b, ratio] of rows) console.log(`| ${label} | ${a} | ${b} | ${ratio.toFixed(2)} |`);
console.log(`\nahead of time: first call of turn/start = ${aotFirstVsWarm.toFixed(1)}× its warm call`);
