// Everything a FakeAppServer sends is checked against the pinned binary's JSON Schema, so the
// kit cannot drift from the protocol. Each payload builder is checked by the spec of its own file
// (spec/testing/payloads/*.spec.ts).
import { lastValueFrom, toArray } from 'rxjs';
import { FakeAppServer, scriptTurn } from '../../lib/testing/index.js';
import type { ProtocolSchema } from '../../lib/validation/protocol-schemas.js';
import { expectValid, expectValidMessage, v1, v2 } from '../support/payload-schemas.js';

/** The result definition of each method the fake answers by itself. */
const RESULT_DEFINITIONS: Record<string, [ProtocolSchema, string]> = {
  initialize: [v1, 'InitializeResponse'],
  'thread/start': [v2, 'ThreadStartResponse'],
  'thread/resume': [v2, 'ThreadResumeResponse'],
  'thread/fork': [v2, 'ThreadForkResponse'],
  'thread/read': [v2, 'ThreadReadResponse'],
  'thread/list': [v2, 'ThreadListResponse'],
  'thread/archive': [v2, 'ThreadArchiveResponse'],
  'thread/unarchive': [v2, 'ThreadUnarchiveResponse'],
  'thread/name/set': [v2, 'ThreadSetNameResponse'],
  'model/list': [v2, 'ModelListResponse'],
  'account/read': [v2, 'GetAccountResponse'],
  'turn/start': [v2, 'TurnStartResponse'],
  'turn/steer': [v2, 'TurnSteerResponse'],
  'turn/interrupt': [v2, 'TurnInterruptResponse'],
};

describe('everything a FakeAppServer sends conforms to the pinned schema', () => {
  it('answers, notifications and server requests of every method and every script step', async () => {
    const server = new FakeAppServer().enqueueTurn(
      scriptTurn()
        .reasoning('Looking', { chunks: 2 })
        .plan([{ step: 'one', status: 'inProgress' }], 'because')
        .command('npm test', { output: 'ok\n', chunks: 2, approval: { reason: 'tests' } })
        .command('false', { exitCode: 1 })
        .fileChange([{ path: 'a.txt', diff: '+a\n', kind: 'add' }], { approval: true })
        .mcpToolCall('docs', 'search', { progress: ['half'], result: [{ type: 'text', text: 'hit' }] })
        .mcpToolCall('docs', 'broken', { error: 'down' })
        .userInput(['Which branch?'])
        .tokenUsage({ inputTokens: 3 }, { inputTokens: 30 })
        .error('retrying', { willRetry: true })
        .agentMessage('Done', { chunks: 2, phase: 'final_answer' })
        .fail('gave up'),
      scriptTurn().command('rm -rf /', { approval: true }),
      scriptTurn().hang(),
    );
    const sent: Array<{ id?: unknown; method?: string; params?: unknown; result?: unknown; error?: unknown }> = [];
    const emit = server.transport.emit.bind(server.transport);
    server.transport.emit = (message: object) => {
      sent.push(message);
      emit(message);
    };
    let approvals = 0;
    const codex = server.createClient({
      approvalHandler: (request) => {
        if (request.method === 'item/tool/requestUserInput') return { answers: { q1: { answers: ['main'] } } };
        return { decision: approvals++ === 0 ? 'accept' : approvals === 2 ? 'accept' : 'cancel' };
      },
    });
    const thread = await lastValueFrom(codex.threadStart());
    await lastValueFrom(thread.turn('go').pipe(toArray()));
    await lastValueFrom(thread.turn('cancel me').pipe(toArray()));
    const hanging = thread.turn('hang').subscribe();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await lastValueFrom(thread.steer('more'));
    hanging.unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await lastValueFrom(codex.threadResume(thread.id));
    const fork = await lastValueFrom(codex.threadFork(thread.id));
    await lastValueFrom(codex.request('thread/read', { threadId: thread.id, includeTurns: true }));
    await lastValueFrom(thread.setName('named'));
    await lastValueFrom(codex.threadArchive(fork.id));
    await lastValueFrom(codex.threadList({ archived: true }));
    await lastValueFrom(codex.threadUnarchive(fork.id));
    await lastValueFrom(codex.threadList());
    await lastValueFrom(codex.models());
    await lastValueFrom(codex.account());
    await new Promise((resolve) => setTimeout(resolve, 5));
    await codex.close();

    const methodOf = new Map(server.transport.sent.filter((m) => m.method !== undefined && m.id !== undefined).map((m) => [m.id, m.method!]));
    const answered = new Set<string>();
    for (const message of sent) {
      if (message.method !== undefined) {
        expectValidMessage(message as { method: string });
      } else if (message.result !== undefined) {
        const method = methodOf.get(message.id as number)!;
        const [schema, definition] = RESULT_DEFINITIONS[method];
        expectValid(schema, definition, message.result);
        answered.add(method);
      }
    }
    expect([...answered].sort()).toEqual(Object.keys(RESULT_DEFINITIONS).sort());
    const notified = new Set(sent.filter((m) => m.method !== undefined).map((m) => m.method));
    for (const method of ['turn/started', 'turn/completed', 'item/started', 'item/completed', 'item/agentMessage/delta', 'item/reasoning/summaryTextDelta', 'item/reasoning/summaryPartAdded', 'turn/plan/updated', 'item/commandExecution/outputDelta', 'turn/diff/updated', 'item/mcpToolCall/progress', 'thread/tokenUsage/updated', 'error', 'serverRequest/resolved', 'thread/status/changed', 'thread/archived', 'item/commandExecution/requestApproval', 'item/fileChange/requestApproval', 'item/tool/requestUserInput']) {
      expect({ method, sent: notified.has(method) }).toEqual({ method, sent: true });
    }
    const endings = sent.filter((m) => m.method === 'turn/completed').map((m) => (m.params as { turn: { status: string } }).turn.status);
    expect(endings).toEqual(['failed', 'interrupted', 'interrupted']);
  });
});
