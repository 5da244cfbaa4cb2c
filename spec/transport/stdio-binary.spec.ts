import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CodexError } from '../../lib/errors.js';
import { BinaryNotFoundError, resolveCodexBinary } from '../../lib/transport/stdio-binary.js';
import { thrown } from '../support/thrown.js';

// stdio-module-url.ts reads import.meta.url, which CommonJS (jest) cannot parse: use the stand-in.
jest.mock('../../lib/transport/stdio-module-url', () => jest.requireActual('../support/stdio-module-url.cjs.js'));

const repoRoot = path.resolve(__dirname, '..', '..');
// node_modules may be a symlink (a git worktree sharing the main checkout's): resolution yields real paths.
const nodeModules = realpathSync(path.join(repoRoot, 'node_modules'));
const vendored = path.join(nodeModules, '@openai', 'codex-linux-x64', 'vendor', 'x86_64-unknown-linux-musl');

describe('resolveCodexBinary', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'codex-rx-bin-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the binary vendored by @openai/codex-linux-x64, with its codex-path directory', () => {
    // This checkout installs the linux-x64 package; the test pins that platform explicitly.
    expect(existsSync(path.join(vendored, 'bin', 'codex'))).toBe(true);
    const found = resolveCodexBinary(undefined, 'linux', 'x64');
    expect(found.path).toBe(path.join(vendored, 'bin', 'codex'));
    expect(found.extraPath).toBe(path.join(vendored, 'codex-path'));
  });

  it('uses the current platform by default', () => {
    expect(resolveCodexBinary()).toEqual(resolveCodexBinary(undefined, process.platform, process.arch));
  });

  it('returns an explicit path that exists, as given, without extraPath', () => {
    const bin = path.join(dir, 'my-codex');
    writeFileSync(bin, '#!/bin/sh\n');
    expect(resolveCodexBinary(bin)).toEqual({ path: bin });
  });

  it('throws BinaryNotFoundError listing an explicit path that does not exist', () => {
    const missing = path.join(dir, 'nope', 'codex');
    const e = thrown(() => resolveCodexBinary(missing)) as BinaryNotFoundError;
    expect(e).toBeInstanceOf(BinaryNotFoundError);
    expect(BinaryNotFoundError.is(e)).toBe(true);
    expect(CodexError.is(e)).toBe(true);
    expect(e.tried).toEqual([`codexBin: ${missing} (does not exist)`]);
    expect(e.message).toContain(missing);
    expect(e.message).toContain('codexBin');
  });

  it('does not fall back to the vendored binary when an explicit path is missing', () => {
    expect(() => resolveCodexBinary(path.join(dir, 'missing'), 'linux', 'x64')).toThrow(BinaryNotFoundError);
  });

  it('throws BinaryNotFoundError for an unsupported platform', () => {
    const e = thrown(() => resolveCodexBinary(undefined, 'aix', 'ppc64')) as BinaryNotFoundError;
    expect(BinaryNotFoundError.is(e)).toBe(true);
    expect(e.tried).toEqual(['no @openai/codex build for aix-ppc64']);
    expect(e.message).toContain('aix-ppc64');
  });

  it('throws BinaryNotFoundError listing every place tried when the platform package is not installed', () => {
    const e = thrown(() => resolveCodexBinary(undefined, 'darwin', 'arm64')) as BinaryNotFoundError;
    expect(BinaryNotFoundError.is(e)).toBe(true);
    expect(e.tried).toContain('@openai/codex-darwin-arm64 (not installed)');
    // @openai/codex itself is installed but vendors nothing for darwin.
    expect(e.tried).toContain(path.join(nodeModules, '@openai', 'codex', 'vendor', 'aarch64-apple-darwin', 'bin', 'codex'));
    expect(e.message).toContain('npm install codex-rx rxjs @openai/codex');
  });

  it('looks for codex.exe on Windows', () => {
    const e = thrown(() => resolveCodexBinary(undefined, 'win32', 'x64')) as BinaryNotFoundError;
    expect(e.tried.some((t) => t.endsWith(path.join('x86_64-pc-windows-msvc', 'bin', 'codex.exe')))).toBe(true);
  });
});
