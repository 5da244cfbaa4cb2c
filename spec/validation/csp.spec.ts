// Params validation works where code generation from strings is forbidden, as in a page served
// with `Content-Security-Policy: script-src 'self'`: a Node vm context with
// `codeGeneration: { strings: false }` stands in for that page.
import { buildSync } from 'esbuild';
import path from 'node:path';
import vm from 'node:vm';

const root = path.resolve(__dirname, '..', '..');

/** `entry` bundled as one classic script that sets `globalThis.exported`. */
function bundle(contents: string): string {
  const out = buildSync({
    stdin: { contents, resolveDir: root, loader: 'ts' },
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

function strictContext(): vm.Context {
  return vm.createContext({ console }, { codeGeneration: { strings: false, wasm: false } });
}

describe('validation without eval (CSP script-src self)', () => {
  it('the vm context really forbids code generation from strings', () => {
    const context = strictContext();
    expect(() => vm.runInContext('new Function("return 1")()', context)).toThrow(/Code generation from strings disallowed/);
  });

  it('validateParams accepts and rejects params there, with the readable messages', () => {
    const context = strictContext();
    vm.runInContext(bundle("import { validateParams } from './lib/validation/params-validator'; globalThis.exported = { validateParams };"), context);
    const { validateParams } = context.exported as { validateParams: (m: string, p: unknown) => unknown };
    expect(validateParams('thread/start', { cwd: '/tmp', sandbox: 'workspace-write' })).toBeUndefined();
    expect(validateParams('turn/start', { threadId: 't', input: [{ type: 'text', text: 'hi', text_elements: [] }] })).toBeUndefined();
    expect(validateParams('turn/start', { threadId: 't', input: [{ type: 'txt', text: 'hi' }] })).toEqual([
      { path: 'input[0].type', message: expect.stringMatching(/^must be one of text, image, /) },
    ]);
    expect(validateParams('thread/start', { sandbox: 'wide-open' })).toEqual([{ path: 'sandbox', message: expect.stringMatching(/^must be /) }]);
    expect(validateParams('command/exec/resize', { processId: 'p', size: { cols: -1, rows: 2 } })).toEqual([{ path: expect.stringContaining('cols'), message: expect.any(String) }]);
  });

  it('ajv compiling at runtime (what params validation did before) fails there', () => {
    const context = strictContext();
    vm.runInContext(bundle("import Ajv from 'ajv'; globalThis.exported = { compile: () => new Ajv().compile({ type: 'string' }) };"), context);
    expect(() => (context.exported as { compile: () => unknown }).compile()).toThrow(/Code generation from strings disallowed/);
  });
});
