import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** Packs codex-rx as npm would publish it (prepack builds dist/) into `dir`; returns the tarball's path. */
export function packTarball(dir: string): string {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return path.join(dir, JSON.parse(out)[0].filename);
}

/**
 * Packs codex-rx as npm would publish it and installs the tarball into a temp project whose
 * dependencies are linked from this checkout (no network). Returns the project directory.
 */
export function installPackedPackage(links: readonly string[] = ['rxjs', 'ajv', 'ws', 'jose', '@openai']): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'codex-rx-pack-'));
  const tarball = packTarball(dir);
  const pkg = path.join(dir, 'node_modules', 'codex-rx');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1']);
  for (const dep of links) {
    mkdirSync(path.dirname(path.join(dir, 'node_modules', dep)), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(dir, 'node_modules', dep));
  }
  return dir;
}
