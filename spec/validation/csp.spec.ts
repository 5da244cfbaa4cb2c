// Params validation works where code generation from strings is forbidden, as in a page served
// with `Content-Security-Policy: script-src 'self'`: a Node vm context with
// `codeGeneration: { strings: false }` stands in for that page.
import vm from 'node:vm';
import { exportedWithoutEval, noEvalContext } from '../support/no-eval-context';

describe('validation without eval (CSP script-src self)', () => {
  it('the vm context really forbids code generation from strings', () => {
    const context = noEvalContext();
    expect(() => vm.runInContext('new Function("return 1")()', context)).toThrow(/Code generation from strings disallowed/);
  });

  it('validateParams accepts and rejects params there, with the readable messages', () => {
    const { validateParams } = exportedWithoutEval<{ validateParams: (m: string, p: unknown) => unknown }>(
      "import { validateParams } from './lib/validation/params-validator'; globalThis.exported = { validateParams };",
    );
    expect(validateParams('thread/start', { cwd: '/tmp', sandbox: 'workspace-write' })).toBeUndefined();
    expect(validateParams('turn/start', { threadId: 't', input: [{ type: 'text', text: 'hi', text_elements: [] }] })).toBeUndefined();
    expect(validateParams('turn/start', { threadId: 't', input: [{ type: 'txt', text: 'hi' }] })).toEqual([
      { path: 'input[0].type', message: expect.stringMatching(/^must be one of text, image, /) },
    ]);
    expect(validateParams('thread/start', { sandbox: 'wide-open' })).toEqual([{ path: 'sandbox', message: expect.stringMatching(/^must be /) }]);
    expect(validateParams('command/exec/resize', { processId: 'p', size: { cols: -1, rows: 2 } })).toEqual([{ path: expect.stringContaining('cols'), message: expect.any(String) }]);
  });

  it('ajv compiling at runtime (what params validation did before) fails there', () => {
    const { compile } = exportedWithoutEval<{ compile: () => unknown }>(
      "import Ajv from 'ajv'; globalThis.exported = { compile: () => new Ajv().compile({ type: 'string' }) };",
    );
    expect(() => compile()).toThrow(/Code generation from strings disallowed/);
  });
});
