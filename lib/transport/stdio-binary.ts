import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BinaryNotFoundError } from '../errors.js';
import { moduleUrl } from './stdio-module-url.js';

export { BinaryNotFoundError };

// The one table of which @openai/codex build serves which platform: the platform package is
// `@openai/codex-<key>`, the binary vendor/<triple>/bin/codex(.exe). scripts/protocol-diff-lib.mjs
// (npm run generate, protocol:diff) resolves the pinned binary through resolveCodexBinary too.
const TARGET_TRIPLES: Readonly<Record<string, string>> = {
  'linux-x64': 'x86_64-unknown-linux-musl',
  'linux-arm64': 'aarch64-unknown-linux-musl',
  'darwin-x64': 'x86_64-apple-darwin',
  'darwin-arm64': 'aarch64-apple-darwin',
  'win32-x64': 'x86_64-pc-windows-msvc',
  'win32-arm64': 'aarch64-pc-windows-msvc',
};

/** Where the codex binary was found, and an extra PATH directory its package ships (ripgrep). */
export interface ResolvedBinary {
  readonly path: string;
  readonly extraPath?: string;
}

/**
 * Finds the codex binary: an explicit `codexBin` (must exist) → the native binary vendored by
 * the `@openai/codex` platform package, resolved as that package's own launcher does.
 */
export function resolveCodexBinary(codexBin?: string, platform = process.platform, arch = process.arch): ResolvedBinary {
  if (codexBin !== undefined) {
    if (existsSync(codexBin)) return { path: codexBin };
    throw new BinaryNotFoundError([`codexBin: ${codexBin} (does not exist)`]);
  }
  const tried: string[] = [];
  const key = `${platform}-${arch}`;
  const triple = TARGET_TRIPLES[key];
  if (!triple) throw new BinaryNotFoundError([`no @openai/codex build for ${key}`]);
  const exe = platform === 'win32' ? 'codex.exe' : 'codex';
  const require = createRequire(moduleUrl);
  const roots: string[] = [];
  for (const pkg of [`@openai/codex-${key}`, '@openai/codex']) {
    try {
      roots.push(path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'vendor'));
    } catch {
      tried.push(`${pkg} (not installed)`);
    }
  }
  for (const vendor of roots) {
    const bin = path.join(vendor, triple, 'bin', exe);
    if (existsSync(bin)) {
      const extra = path.join(vendor, triple, 'codex-path');
      return { path: bin, extraPath: existsSync(extra) ? extra : undefined };
    }
    tried.push(bin);
  }
  throw new BinaryNotFoundError(tried);
}
