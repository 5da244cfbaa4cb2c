// Where Debian's Chromium lives, and how codex-rx's browser tests launch it (shared by
// scripts/setup-web.mjs and spec/browser). Playwright's own browser download needs the network;
// the distribution's package works offline once installed.
const { existsSync } = require('node:fs');

/** Candidates in order: $CHROMIUM_PATH, then the headless shell (smaller, faster), then the full browser. */
const CANDIDATES = ['/usr/lib/chromium/chromium-headless-shell', '/usr/bin/chromium-headless-shell', '/usr/lib/chromium/chromium', '/usr/bin/chromium'];

/** The Debian package the setup installs when no Chromium is found. */
const CHROMIUM_PACKAGE = 'chromium-headless-shell';

/** Flags for a CI container run as root: no sandbox, no GPU, nothing phoning home. */
const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
]);

/** Path of a Chromium executable, or undefined. */
function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

/** The one line to print when Chromium is missing and cannot be installed here. */
const CHROMIUM_HINT = `the browser tests need Chromium: run \`sudo apt-get install -y ${CHROMIUM_PACKAGE}\` (Debian/Ubuntu) or set CHROMIUM_PATH to a Chromium executable`;

module.exports = { findChromium, CHROMIUM_ARGS, CHROMIUM_PACKAGE, CHROMIUM_HINT };
