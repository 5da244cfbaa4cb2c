#!/usr/bin/env node
// Builds dist/esm (ES modules) and dist/cjs (CommonJS), each with type declarations.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
rmSync(dist, { recursive: true, force: true });

const build = (outDir, ...flags) =>
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', path.join(dist, outDir), ...flags], { stdio: 'inherit' });

build('esm', '--module', 'ES2022', '--moduleResolution', 'bundler');
build('cjs', '--module', 'CommonJS', '--moduleResolution', 'node10');

// These nested package.json files are the nearest ones bundlers see for dist/*: they carry the
// module type and that no file has side effects (no entry installs anything when imported).
const sideEffects = '"sideEffects": false';
writeFileSync(path.join(dist, 'esm', 'package.json'), `{ "type": "module", ${sideEffects} }\n`);
writeFileSync(path.join(dist, 'cjs', 'package.json'), `{ "type": "commonjs", ${sideEffects} }\n`);
// import.meta does not exist in CommonJS: this one module differs between the builds.
writeFileSync(
  path.join(dist, 'cjs', 'transport', 'stdio-module-url.js'),
  '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.moduleUrl = require("node:url").pathToFileURL(__filename).href;\n',
);
// Every build stamps the sources it came from, so a rebuild by anything (npm pack's prepack in
// the packaging specs, say) leaves a dist/ that scripts/setup-web.mjs and spec/browser accept.
const { STAMPS, packageKey } = createRequire(import.meta.url)('./web/state.cjs');
mkdirSync(path.dirname(STAMPS.package), { recursive: true });
writeFileSync(STAMPS.package, `${packageKey()}\n`);
process.stderr.write('built dist/esm and dist/cjs\n');
