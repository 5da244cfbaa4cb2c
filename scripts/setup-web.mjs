#!/usr/bin/env node
/**
 * Prepares the Angular sample (samples/angular-progress) and, with --chromium, the browser that
 * spec/browser drives. Every step is skipped when its inputs did not change (content hashes in
 * scripts/web/state.cjs), so a repeated `npm test` costs well under a second here.
 *
 *   node scripts/setup-web.mjs             build codex-rx, install + build the sample (npm run demo:web)
 *   node scripts/setup-web.mjs --chromium  the same, and make sure Chromium is installed (npm test)
 *
 * Chromium: found at $CHROMIUM_PATH or Debian's paths; when missing and we are root with apt-get,
 * installs the `chromium-headless-shell` package; otherwise stops with one line saying how.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const { findChromium, CHROMIUM_PACKAGE, CHROMIUM_HINT } = require('./web/chromium.cjs');
const state = require('./web/state.cjs');

const log = (line) => process.stderr.write(`setup-web: ${line}\n`);

/** Runs a command, inheriting stdio; throws with one line when it fails. */
function run(cmd, args, opts = {}) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) throw new SetupError(`\`${[cmd, ...args].join(' ')}\` failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
  return Date.now() - started;
}

class SetupError extends Error {}

function ensureChromium() {
  if (findChromium()) return;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) throw new SetupError(CHROMIUM_HINT);
  log(`Chromium not found: apt-get install ${CHROMIUM_PACKAGE} (about a minute)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'], env };
  // A fresh container has no package lists yet: update once, and only when the install needs it.
  if (spawnSync('apt-get', ['install', '-y', '-qq', CHROMIUM_PACKAGE], quiet).status !== 0) {
    run('apt-get', ['update', '-qq'], quiet);
    run('apt-get', ['install', '-y', '-qq', CHROMIUM_PACKAGE], quiet);
  }
  if (!findChromium()) throw new SetupError(`installed ${CHROMIUM_PACKAGE} but found no Chromium executable; ${CHROMIUM_HINT}`);
}

function stamp(file, key) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${key}\n`);
}

function buildPackage() {
  const key = state.packageKey();
  if (state.stampIs(state.STAMPS.package, key)) return;
  log('building codex-rx (dist/)…');
  const ms = run(process.execPath, [path.join(state.ROOT, 'scripts', 'build.mjs')], { cwd: state.ROOT }); // stamps STAMPS.package
  log(`built codex-rx in ${(ms / 1000).toFixed(1)} s`);
}

function installSample() {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const env = { ...process.env, NG_CLI_ANALYTICS: 'false' };
  const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
  const depsKey = state.sampleDepsKey();
  const packageKey = state.packageKey();
  if (!state.stampIs(state.STAMPS.sampleDeps, depsKey) || !existsSync(path.join(state.SAMPLE, 'node_modules', '@angular', 'core'))) {
    log('installing the Angular sample (npm ci in samples/angular-progress)…');
    const ms = run(npm, ['ci', ...quiet], { cwd: state.SAMPLE, env });
    stamp(state.STAMPS.sampleDeps, depsKey);
    stamp(state.STAMPS.sampleCopy, packageKey);
    log(`installed the sample's dependencies in ${(ms / 1000).toFixed(1)} s`);
  } else if (!state.stampIs(state.STAMPS.sampleCopy, packageKey)) {
    // Only codex-rx changed: the sample holds a packed copy of it (install-links), so refresh just that.
    log("refreshing the sample's copy of codex-rx…");
    rmSync(path.join(state.SAMPLE, 'node_modules', 'codex-rx'), { recursive: true, force: true });
    const ms = run(npm, ['install', '--no-save', ...quiet], { cwd: state.SAMPLE, env });
    stamp(state.STAMPS.sampleCopy, packageKey);
    log(`refreshed codex-rx in the sample in ${(ms / 1000).toFixed(1)} s`);
  }
}

function buildSample() {
  const key = state.sampleBuildKey();
  if (state.stampIs(state.STAMPS.sampleBuild, key)) return;
  log('building the Angular sample (ng build) and type-checking its server…');
  const env = { ...process.env, NG_CLI_ANALYTICS: 'false', NG_BUILD_PARALLEL_TS: '0' };
  const bin = (name) => path.join(state.SAMPLE, 'node_modules', '.bin', name);
  let ms = run(bin('ng'), ['build'], { cwd: state.SAMPLE, env });
  ms += run(bin('tsc'), ['-p', 'tsconfig.server.json'], { cwd: state.SAMPLE, env });
  stamp(state.STAMPS.sampleBuild, key);
  log(`built the sample in ${(ms / 1000).toFixed(1)} s; ${bundleSize()}`);
}

/** The production bundle's size: every .js and .css file the page loads, raw and gzipped. */
function bundleSize() {
  const dir = path.join(state.SAMPLE_DIST, 'browser');
  let raw = 0;
  let gzip = 0;
  for (const name of readdirSync(dir).filter((f) => /\.(js|css)$/.test(f))) {
    const bytes = readFileSync(path.join(dir, name));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  return `bundle (js + css): ${kb(raw)} raw, ${kb(gzip)} gzip`;
}

try {
  if (process.argv.includes('--chromium')) ensureChromium();
  buildPackage();
  installSample();
  buildSample();
} catch (e) {
  process.stderr.write(`${e instanceof SetupError ? e.message : `setup-web failed: ${e?.message ?? e}`}\n`);
  process.exit(1);
}
