import { encodeStep, idCounter, toSseFrame, type ResponseEvent } from '../../../lib/testing/model/sse-encoder.js';
import { applyPatch, message, shellCommand } from '../../../lib/testing/model/steps.js';

const fixed = { createdAt: 1_700_000_000 };
const types = (events: ResponseEvent[]) => events.map((e) => e.type);

describe('encodeStep (pure step → Responses-API events)', () => {
  it('streams a message: created, item added, content part, one delta per chunk, done events, completed', () => {
    const events = encodeStep(message('Hello there', { chunks: ['Hel', 'lo ', 'there'], phase: 'final_answer' }), fixed);
    expect(types(events)).toEqual([
      'response.created',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta)).toEqual(['Hel', 'lo ', 'there']);
    expect(events[0]).toEqual({
      type: 'response.created',
      response: { id: 'resp_1', object: 'response', model: 'mock-model', created_at: 1_700_000_000, status: 'in_progress', output: [] },
    });
    expect(events[8]).toEqual({
      type: 'response.output_item.done',
      output_index: 0,
      item: { type: 'message', id: 'msg_2', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello there', annotations: [] }], phase: 'final_answer' },
    });
  });

  it('splits text into N near-equal deltas by code point (never splitting a surrogate pair)', () => {
    const deltas = encodeStep(message('ab😀cd', { chunks: 5 }), fixed)
      .filter((e) => e.type === 'response.output_text.delta')
      .map((e) => e.delta);
    expect(deltas).toEqual(['a', 'b', '😀', 'c', 'd']);
    const capped = encodeStep(message('hi', { chunks: 10 }), fixed).filter((e) => e.type === 'response.output_text.delta');
    expect(capped).toHaveLength(2);
  });

  it('encodes function and freeform tool calls with JSON arguments and call ids', () => {
    const shell = encodeStep(shellCommand('ls', { escalate: 'why', callId: 'c1' }), fixed);
    expect(types(shell)).toEqual(['response.created', 'response.output_item.added', 'response.output_item.done', 'response.completed']);
    expect(shell[2].item).toEqual({
      type: 'function_call',
      id: 'fc_2',
      call_id: 'c1',
      name: 'exec_command',
      arguments: JSON.stringify({ cmd: 'ls', sandbox_permissions: 'require_escalated', justification: 'why' }),
      status: 'completed',
    });
    const patch = encodeStep(applyPatch('*** Begin Patch\n*** End Patch'), fixed);
    expect(patch[2].item).toMatchObject({ type: 'custom_tool_call', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch', call_id: 'call_2' });
  });

  it('streams reasoning summaries as reasoning_summary_text deltas', () => {
    const events = encodeStep({ output: [{ type: 'reasoning', summary: 'think', chunks: 2 }] }, fixed);
    expect(events.filter((e) => e.type === 'response.reasoning_summary_text.delta').map((e) => e.delta)).toEqual(['th', 'ink']);
    expect(events.find((e) => e.type === 'response.output_item.done')!.item).toEqual({ type: 'reasoning', id: 'rs_2', summary: [{ type: 'summary_text', text: 'think' }] });
  });

  it('reports usage in snake_case; output tokens default to what was streamed', () => {
    const last = (events: ResponseEvent[]) => (events[events.length - 1].response as { usage: unknown }).usage;
    expect(last(encodeStep(message('abc', { chunks: 3 }), fixed))).toEqual({
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 3,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 13,
    });
    expect(last(encodeStep({ ...message('x'), usage: { inputTokens: 5, cachedInputTokens: 2, outputTokens: 7, reasoningOutputTokens: 1 } }, fixed))).toEqual({
      input_tokens: 5,
      input_tokens_details: { cached_tokens: 2 },
      output_tokens: 7,
      output_tokens_details: { reasoning_tokens: 1 },
      total_tokens: 12,
    });
  });

  it('ends with response.failed for a scripted failure, and with the items only for a hang', () => {
    const failed = encodeStep({ ...message('partial'), fail: { message: 'boom' } }, fixed);
    expect(failed[failed.length - 1]).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { code: 'server_error', message: 'boom' } } });
    const hung = encodeStep({ ...message('partial'), hang: true }, fixed);
    expect(hung[hung.length - 1].type).toBe('response.output_item.done');
  });

  it('numbers ids from a shared source so they stay unique across steps', () => {
    const ids = idCounter();
    const a = encodeStep(message('a'), { ...fixed, ids });
    const b = encodeStep(message('b'), { ...fixed, ids });
    expect([(a[0].response as { id: string }).id, (b[0].response as { id: string }).id]).toEqual(['resp_1', 'resp_3']);
  });

  it('is deterministic given its options', () => {
    expect(encodeStep(message('same', { chunks: 2 }), fixed)).toEqual(encodeStep(message('same', { chunks: 2 }), fixed));
  });
});

describe('toSseFrame', () => {
  it('writes `event: <type>` and the JSON data, ending with a blank line', () => {
    expect(toSseFrame({ type: 'response.output_text.delta', delta: 'a\nb' })).toBe(
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"a\\nb"}\n\n',
    );
  });
});
