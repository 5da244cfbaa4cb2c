import { lastValueFrom } from 'rxjs';
import { ValidationError } from '../../lib/errors.js';
import { defineOutputSchema, parseStructuredOutput, type OutputOf } from '../../lib/structured-output.js';
import type { TurnResult } from '../../lib/turn/turn-result.js';
import { compileOutputSchema, validateOutput } from '../../lib/validation/output-validator.js';
import { sentRequests, setup } from './support.js';

const Verdict = defineOutputSchema<{ verdict: 'pass' | 'fail'; score: number; reasons: string[] }>({
  type: 'object',
  properties: {
    verdict: { type: 'string', enum: ['pass', 'fail'] },
    score: { type: 'integer', minimum: 0, maximum: 10 },
    reasons: { type: 'array', items: { type: 'string' }, minItems: 1 },
  },
  required: ['verdict', 'score', 'reasons'],
  additionalProperties: false,
});

async function failure(p: Promise<unknown>): Promise<ValidationError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(ValidationError.is(e)).toBe(true);
  return e as ValidationError;
}

describe('Thread.run with outputSchema (over the in-memory transport)', () => {
  it('yields output parsed and validated, typed from the schema', async () => {
    const answer = JSON.stringify({ verdict: 'pass', score: 9, reasons: ['tests are green'] });
    const { transport, codex, thread } = await setup({}, [
      { text: 'Looking at the build…', phase: 'commentary' },
      { text: answer, phase: 'final_answer' },
    ]);
    const result = await lastValueFrom(thread.run<OutputOf<typeof Verdict>>('Is the build green?', { outputSchema: Verdict }));
    const verdict: 'pass' | 'fail' = result.output!.verdict; // typed
    expect(verdict).toBe('pass');
    expect(result.output).toEqual({ verdict: 'pass', score: 9, reasons: ['tests are green'] });
    expect(result.finalResponse).toBe(answer);
    // the schema went to the server too
    expect(sentRequests(transport, 'turn/start')[0]!.params).toMatchObject({ outputSchema: Verdict });
    await codex.close();
  });

  it('non-JSON output fails with ValidationError keeping the raw text', async () => {
    const { codex, thread } = await setup({}, [{ text: 'Sure! The verdict is pass.', phase: 'final_answer' }]);
    const e = await failure(lastValueFrom(thread.run('Is the build green?', { outputSchema: Verdict })));
    expect(e.subject).toBe('structured output');
    expect(e.raw).toBe('Sure! The verdict is pass.');
    expect(e.issues).toEqual([{ path: '', message: expect.stringMatching(/^is not JSON: /) }]);
    await codex.close();
  });

  it('schema-violating output fails naming every offending field, keeping the raw text', async () => {
    const raw = JSON.stringify({ verdict: 'maybe', score: 11, reasons: [], extra: true });
    const { codex, thread } = await setup({}, [{ text: raw, phase: 'final_answer' }]);
    const e = await failure(lastValueFrom(thread.run('Is the build green?', { outputSchema: Verdict })));
    expect(e.raw).toBe(raw);
    expect(e.issues).toEqual([
      { path: 'verdict', message: 'must be one of pass, fail' },
      { path: 'score', message: 'must be <= 10' },
      { path: 'reasons', message: 'must have at least 1 item' },
      { path: 'extra', message: 'is not allowed' },
    ]);
    expect(e.message).toBe('structured output: verdict must be one of pass, fail; score must be <= 10; reasons must have at least 1 item; extra is not allowed');
    await codex.close();
  });

  it('a missing final answer fails with ValidationError', async () => {
    const { codex, thread } = await setup({}, []);
    const e = await failure(lastValueFrom(thread.run('Is the build green?', { outputSchema: Verdict })));
    expect(e.issues).toEqual([{ path: '', message: 'the turn produced no final response' }]);
    await codex.close();
  });

  it('without outputSchema nothing is parsed', async () => {
    const { codex, thread } = await setup({}, [{ text: 'not json', phase: 'final_answer' }]);
    const result = await lastValueFrom(thread.run('hi'));
    expect(result.output).toBeUndefined();
    expect(result.finalResponse).toBe('not json');
    await codex.close();
  });
});

describe('parseStructuredOutput', () => {
  const base = (finalResponse: string | null): TurnResult => ({
    id: 'u',
    threadId: 't',
    status: 'completed',
    error: null,
    startedAt: null,
    completedAt: null,
    durationMs: null,
    finalResponse,
    items: [],
    usage: null,
  });

  it('accepts any JSON value the schema allows', () => {
    expect(parseStructuredOutput(base('[1,2]'), { type: 'array', items: { type: 'integer' } }).output).toEqual([1, 2]);
    expect(parseStructuredOutput(base('"x"'), {}).output).toBe('x');
    expect(parseStructuredOutput(base('null'), { type: ['object', 'null'] }).output).toBeNull();
  });

  it('reports nested paths', () => {
    const schema = { type: 'object', properties: { files: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, lines: { type: 'integer' } }, required: ['path'] } } } };
    try {
      parseStructuredOutput(base(JSON.stringify({ files: [{ path: 'a' }, { lines: 'x' }] })), schema);
      throw new Error('expected a ValidationError');
    } catch (e) {
      expect((e as ValidationError).issues).toEqual([
        { path: 'files[1].path', message: 'is required' },
        { path: 'files[1].lines', message: 'must be an integer' },
      ]);
    }
  });
});

describe('validateOutput', () => {
  it('compiles each schema object once', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(compileOutputSchema(schema)).toBe(compileOutputSchema(schema));
    expect(compileOutputSchema({ ...schema })).not.toBe(compileOutputSchema(schema));
  });

  it('supports $defs / definitions refs, unions and recursive schemas', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $defs: { node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } }, required: ['name'] } },
      $ref: '#/$defs/node',
    };
    expect(validateOutput(schema, { name: 'a', children: [{ name: 'b', children: [] }] })).toBeUndefined();
    expect(validateOutput(schema, { name: 'a', children: [{ children: [{ name: 1 }] }] })).toEqual([
      { path: 'children[0].name', message: 'is required' },
      { path: 'children[0].children[0].name', message: 'must be a string' },
    ]);
    const shape = {
      anyOf: [
        { type: 'object', properties: { kind: { const: 'circle' }, r: { type: 'number' } }, required: ['kind', 'r'] },
        { type: 'object', properties: { kind: { const: 'square' }, side: { type: 'number' } }, required: ['kind', 'side'] },
      ],
    };
    expect(validateOutput(shape, { kind: 'circle', r: 1 })).toBeUndefined();
    expect(validateOutput(shape, { kind: 'triangle' })).toEqual([{ path: 'kind', message: 'must be one of circle, square' }]);
    expect(validateOutput(shape, { kind: 'square', side: 'big' })).toEqual([{ path: 'side', message: 'must be a number' }]);
    expect(validateOutput(shape, 'circle')).toEqual([{ path: '', message: 'must be an object' }]);
  });

  it('checks common string formats, ignores unknown keywords and formats', () => {
    const schema = { type: 'object', properties: { when: { type: 'string', format: 'date-time' }, id: { type: 'string', format: 'uuid' }, x: { type: 'string', format: 'my-format', 'x-ui': 'hidden' } } };
    expect(validateOutput(schema, { when: '2024-02-29T10:00:00Z', id: '123e4567-e89b-12d3-a456-426614174000', x: 'anything' })).toBeUndefined();
    expect(validateOutput(schema, { when: 'yesterday', id: 'nope' })).toEqual([
      { path: 'when', message: 'must be a date-time (RFC 3339)' },
      { path: 'id', message: 'must be a UUID' },
    ]);
  });

  it('an unusable schema is a ValidationError about outputSchema', () => {
    expect(() => validateOutput({ type: 'strnig' }, 'x')).toThrow(ValidationError);
    expect(() => validateOutput({ type: 'strnig' }, 'x')).toThrow(/^outputSchema: is not a usable JSON Schema/);
  });
});
