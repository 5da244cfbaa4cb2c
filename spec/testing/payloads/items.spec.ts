import * as items from '../../../lib/testing/payloads/items.js';
import { agentMessageItem, commandExecutionItem, fileChangeItem, mcpToolCallItem, reasoningItem, userMessageItem } from '../../../lib/testing/payloads/items.js';
import { FAKE_CWD } from '../../../lib/testing/payloads/threads.js';
import { coveredBuilders, expectValid, exportedFunctions, v2 } from '../../support/payload-schemas.js';

const ROWS = [
  ['userMessageItem', userMessageItem('i1', 'hi')],
  ['agentMessageItem', agentMessageItem('i2', 'hello', 'final_answer')],
  ['agentMessageItem (no phase)', agentMessageItem('i2', '')],
  ['reasoningItem', reasoningItem('i3', ['thinking'])],
  ['reasoningItem (no summary)', reasoningItem('i3')],
  ['commandExecutionItem (running)', commandExecutionItem('i4', 'ls', { status: 'inProgress' })],
  ['commandExecutionItem (done)', commandExecutionItem('i4', 'ls', { output: 'a\n', exitCode: 0 })],
  ['commandExecutionItem (failed)', commandExecutionItem('i4', 'false', { status: 'failed', cwd: '/repo' })],
  ['commandExecutionItem (declined)', commandExecutionItem('i4', 'ls', { status: 'declined' })],
  ['fileChangeItem', fileChangeItem('i5', [{ path: 'a', diff: '+a', kind: 'add' }, { path: 'b', diff: '-b', kind: 'delete' }, { path: 'c', diff: '~c' }])],
  ['fileChangeItem (declined)', fileChangeItem('i5', [], 'declined')],
  ['mcpToolCallItem (result)', mcpToolCallItem('i6', 'docs', 'search', { arguments: { q: 1 }, result: [{ type: 'text', text: 'x' }] })],
  ['mcpToolCallItem (error)', mcpToolCallItem('i6', 'docs', 'search', { error: 'nope' })],
  ['mcpToolCallItem (running)', mcpToolCallItem('i6', 'docs', 'search', { status: 'inProgress' })],
] as const;

describe('thread items conform to the pinned schema', () => {
  it.each(ROWS)('%s', (_label, item) => expectValid(v2, 'ThreadItem', item));

  it('the check bites: a wrong value is reported', () => {
    expect(v2.check('ThreadItem', { ...agentMessageItem('m', 'x'), phase: 'bogus' })).toBeDefined();
    expect(v2.check('ThreadItem', { ...commandExecutionItem('c', 'ls'), status: 'done' })).toBeDefined();
  });

  it('covers every builder of payloads/items', () => {
    expect(coveredBuilders(ROWS)).toEqual(exportedFunctions(items));
  });
});

describe('thread items: what each reports', () => {
  it('userMessageItem is one text input; agentMessageItem carries the whole text and its phase', () => {
    expect(userMessageItem('u', 'hi').content).toEqual([{ type: 'text', text: 'hi', text_elements: [] }]);
    expect(agentMessageItem('a', 'done', 'commentary')).toMatchObject({ type: 'agentMessage', id: 'a', text: 'done', phase: 'commentary' });
    expect(agentMessageItem('a', 'done').phase).toBeNull();
  });

  it('reasoningItem copies its summary parts', () => {
    const parts = ['one', 'two'];
    const item = reasoningItem('r', parts);
    expect(item).toEqual({ type: 'reasoning', id: 'r', summary: ['one', 'two'], content: [] });
    item.summary.push('three');
    expect(parts).toEqual(['one', 'two']);
  });

  it('commandExecutionItem: completed by default (exit 0, empty output), in the fake cwd', () => {
    expect(commandExecutionItem('c', 'ls')).toMatchObject({
      type: 'commandExecution',
      command: 'ls',
      cwd: FAKE_CWD,
      status: 'completed',
      aggregatedOutput: '',
      exitCode: 0,
      durationMs: 12,
      commandActions: [{ type: 'unknown', command: 'ls' }],
    });
  });

  it('commandExecutionItem: a failed command exits 1; one still running or declined has no output, exit code or duration', () => {
    expect(commandExecutionItem('c', 'x', { status: 'failed' })).toMatchObject({ exitCode: 1, aggregatedOutput: '', durationMs: 12 });
    for (const status of ['inProgress', 'declined'] as const) {
      expect(commandExecutionItem('c', 'x', { status })).toMatchObject({ status, aggregatedOutput: null, exitCode: null, durationMs: null });
    }
  });

  it('commandExecutionItem: given fields win, an explicit null included', () => {
    expect(commandExecutionItem('c', 'x', { output: null, exitCode: null, durationMs: null, cwd: '/r' })).toMatchObject({ aggregatedOutput: null, exitCode: null, durationMs: null, cwd: '/r' });
    expect(commandExecutionItem('c', 'x', { status: 'inProgress', output: 'so far' }).aggregatedOutput).toBe('so far');
    expect(commandExecutionItem('c', 'x', { exitCode: 2 }).exitCode).toBe(2);
  });

  it('fileChangeItem: each change with its kind (update by default, with no move)', () => {
    expect(fileChangeItem('f', [{ path: 'a', diff: '+a', kind: 'add' }, { path: 'b', diff: '-b', kind: 'delete' }, { path: 'c', diff: '~c' }])).toEqual({
      type: 'fileChange',
      id: 'f',
      status: 'completed',
      changes: [
        { path: 'a', diff: '+a', kind: { type: 'add' } },
        { path: 'b', diff: '-b', kind: { type: 'delete' } },
        { path: 'c', diff: '~c', kind: { type: 'update', move_path: null } },
      ],
    });
    expect(fileChangeItem('f', [], 'inProgress').status).toBe('inProgress');
  });

  it('mcpToolCallItem: completed with its result content by default', () => {
    expect(mcpToolCallItem('m', 'docs', 'search')).toMatchObject({
      server: 'docs',
      tool: 'search',
      status: 'completed',
      arguments: {},
      result: { content: [], structuredContent: null, _meta: null },
      error: null,
      durationMs: 20,
    });
    expect(mcpToolCallItem('m', 's', 't', { result: [{ type: 'text', text: 'hit' }] }).result!.content).toEqual([{ type: 'text', text: 'hit' }]);
  });

  it('mcpToolCallItem: an error makes it failed with no result; one running has neither result nor duration', () => {
    expect(mcpToolCallItem('m', 's', 't', { error: 'down' })).toMatchObject({ status: 'failed', result: null, error: { message: 'down' }, durationMs: 20 });
    expect(mcpToolCallItem('m', 's', 't', { status: 'inProgress' })).toMatchObject({ status: 'inProgress', result: null, error: null, durationMs: null });
    expect(mcpToolCallItem('m', 's', 't', { durationMs: 3 }).durationMs).toBe(3);
  });
});
