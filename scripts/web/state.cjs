// What the web sample's build depends on, as content hashes: scripts/setup-web.mjs rebuilds only
// what changed, and spec/browser refuses to test a stale build.
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, statSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const SAMPLE = path.join(ROOT, 'samples', 'angular-progress');
/** Where the built app lands (angular.json outputPath, browser/ inside). */
const SAMPLE_DIST = path.join(SAMPLE, 'dist');

const STAMPS = {
  /**
   * Written by every `scripts/build.mjs` run (outside dist/, so it is never packed; not under
   * node_modules/, which git worktrees of this repository may share through a symlink).
   */
  package: path.join(ROOT, '.cache', 'codex-rx-web', 'package-build-key'),
  /** Written after `npm ci` in the sample. */
  sampleDeps: path.join(SAMPLE, 'node_modules', '.codex-rx-deps-key'),
  /** The package build the sample's copy of codex-rx was packed from (install-links=true). */
  sampleCopy: path.join(SAMPLE, 'node_modules', '.codex-rx-package-key'),
  /** Written after `ng build` of the sample. */
  sampleBuild: path.join(SAMPLE_DIST, '.codex-rx-build-key'),
};

function hashFiles(paths) {
  const hash = createHash('sha256');
  const visit = (p) => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) if (name !== 'node_modules' && name !== 'dist' && name !== '.angular') visit(path.join(p, name));
      return;
    }
    hash.update(path.relative(ROOT, p)).update('\0').update(readFileSync(p)).update('\0');
  };
  for (const p of paths) visit(p);
  return hash.digest('hex').slice(0, 16);
}

/** The root package's dist/: its sources and build configuration. */
function packageKey() {
  return hashFiles(['lib', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs'].map((p) => path.join(ROOT, p)));
}

/** The sample's node_modules: its manifest and lock. */
function sampleDepsKey() {
  return hashFiles([path.join(SAMPLE, 'package.json'), path.join(SAMPLE, 'package-lock.json')]);
}

/** The sample's build: its sources and configuration, on top of the package and its dependencies. */
function sampleBuildKey() {
  return `${packageKey()}-${sampleDepsKey()}-${hashFiles([SAMPLE])}`;
}

function stampIs(file, key) {
  try {
    return readFileSync(file, 'utf8').trim() === key;
  } catch {
    return false;
  }
}

/** Undefined when the built sample is up to date, else why not. */
function staleReason() {
  if (!stampIs(STAMPS.package, packageKey())) return 'the package build (dist/) is missing or older than lib/';
  if (!stampIs(STAMPS.sampleDeps, sampleDepsKey())) return "the sample's node_modules are missing or older than its package-lock.json";
  if (!stampIs(STAMPS.sampleCopy, packageKey())) return "the sample's copy of codex-rx is older than dist/";
  if (!stampIs(STAMPS.sampleBuild, sampleBuildKey())) return 'the Angular sample is not built from the current sources';
  return undefined;
}

module.exports = { ROOT, SAMPLE, SAMPLE_DIST, STAMPS, packageKey, sampleDepsKey, sampleBuildKey, stampIs, staleReason };
