/**
 * A stand-in for a page served with `Content-Security-Policy: script-src 'self'`: a Node vm
 * context where code generation from strings (eval, new Function) is forbidden, and a way to run
 * codex-rx sources there, bundled as the classic script a page would load.
 */
import { buildSync } from 'esbuild';
import path from 'node:path';
import vm from 'node:vm';

const root = path.resolve(__dirname, '..', '..');

/** A vm context without string code generation (nor wasm), as under a strict CSP. */
export function noEvalContext(): vm.Context {
  return vm.createContext({ console }, { codeGeneration: { strings: false, wasm: false } });
}

/** `source` (TypeScript, imports relative to the repository root) bundled as one classic script. */
export function bundleScript(source: string): string {
  const out = buildSync({
    stdin: { contents: source, resolveDir: root, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

/** Runs `source` bundled in a fresh no-eval context; returns what it set as `globalThis.exported`. */
export function exportedWithoutEval<T>(source: string): T {
  const context = noEvalContext();
  vm.runInContext(bundleScript(source), context);
  return context.exported as T;
}
