import { lastValueFrom } from 'rxjs';
import { ValidationError } from '../lib/errors.js';
import { defineOutputSchema, type OutputOf } from '../lib/output-schema.js';
import { parseStructuredOutput } from '../lib/structured-output.js';
import { agentMessageItem, tokenUsage } from '../lib/testing/index.js';
import type { TurnResult } from '../lib/turn/turn-result.js';
import { thrown } from './support/thrown.js';
import { failure, sentRequests, setup } from './validation/support.js';

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

/** The parsed output, or the issues as a failure. */
function outputOf(result: TurnResult, schema: object): unknown {
  const parsed = parseStructuredOutput(result, schema);
  if ('issues' in parsed) throw new Error(JSON.stringify(parsed.issues));
  return parsed.result.output;
}

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
    expect(outputOf(base('[1,2]'), { type: 'array', items: { type: 'integer' } })).toEqual([1, 2]);
    expect(outputOf(base('"x"'), {})).toBe('x');
    expect(outputOf(base('null'), { type: ['object', 'null'] })).toBeNull();
  });

  it('reports nested paths', () => {
    const schema = { type: 'object', properties: { files: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, lines: { type: 'integer' } }, required: ['path'] } } } };
    const raw = JSON.stringify({ files: [{ path: 'a' }, { lines: 'x' }] });
    expect(parseStructuredOutput(base(raw), schema)).toEqual({
      issues: [
        { path: 'files[1].path', message: 'is required' },
        { path: 'files[1].lines', message: 'must be an integer' },
      ],
      raw,
    });
  });
});

describe('parseStructuredOutput, the result around the output', () => {
  const result: TurnResult = {
    id: 'turn-7',
    threadId: 'thr-7',
    status: 'completed',
    error: null,
    startedAt: 1,
    completedAt: 2,
    durationMs: 1000,
    finalResponse: '{"ok":true}',
    items: [agentMessageItem('msg-1', '{"ok":true}', 'final_answer')],
    usage: tokenUsage({ inputTokens: 90, outputTokens: 10 }),
  };

  it('keeps every field of the turn result and adds the parsed output', () => {
    expect(parseStructuredOutput(result, { type: 'object', properties: { ok: { type: 'boolean' } } })).toEqual({ result: { ...result, output: { ok: true } } });
  });

  it('a turn without a final response has no raw text to keep', () => {
    expect(parseStructuredOutput({ ...result, finalResponse: null }, {})).toEqual({ issues: [{ path: '', message: 'the turn produced no final response' }] });
  });

  it('an empty final response is not JSON', () => {
    expect(parseStructuredOutput({ ...result, finalResponse: '' }, {})).toEqual({ issues: [{ path: '', message: expect.stringMatching(/^is not JSON: /) }], raw: '' });
  });
});
