// Every payload the testing kit can produce is checked against the pinned binary's JSON Schema,
// so the kit cannot drift from the protocol: when the pin moves, these tests name the builder
// that must change.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { ProtocolSchema } from '../../lib/validation/protocol-schemas.js';
import { validateInbound } from '../../lib/validation/inbound-validator.js';
import * as kit from '../../lib/testing/index.js';
import { FakeAppServer, scriptTurn } from '../../lib/testing/index.js';

const schemaDir = path.resolve(__dirname, '..', '..', 'lib', 'protocol', 'schema');
const v2 = new ProtocolSchema(readFileSync(path.join(schemaDir, 'codex_app_server_protocol.v2.schemas.json'), 'utf8'));
// InitializeResponse lives in the v1 bundle; its own file carries the definitions it needs.
const initialize = JSON.parse(readFileSync(path.join(schemaDir, 'v1', 'InitializeResponse.json'), 'utf8'));
const v1 = new ProtocolSchema(JSON.stringify({ definitions: { ...initialize.definitions, InitializeResponse: { ...initialize, definitions: undefined } } }));

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

function expectValid(schema: ProtocolSchema, definition: string, value: unknown): void {
  expect({ definition, issues: schema.check(definition, value) }).toEqual({ definition, issues: undefined });
}

function expectValidMessage(message: { method: string; id?: unknown; params?: unknown }): void {
  const kind = message.id === undefined ? 'notification' : 'request';
  expect({ method: message.method, issues: validateInbound(kind, message.method, message.params) }).toEqual({ method: message.method, issues: undefined });
}

const ref = { threadId: 'thr-9', turnId: 'turn-9' };

describe('payload builders conform to the pinned schema', () => {
  it('the check bites: a wrong value is reported', () => {
    expect(v2.check('ThreadItem', { ...kit.agentMessageItem('m', 'x'), phase: 'bogus' })).toBeDefined();
    expect(v1.check('InitializeResponse', { userAgent: 'x' })).toBeDefined();
  });

  it.each([
    ['initializeResponse', v1, 'InitializeResponse', kit.initializeResponse()],
    ['threadInfo', v2, 'Thread', kit.threadInfo({ name: 'named', turns: [kit.turnInfo({ status: 'completed' })] })],
    ['threadStartResponse', v2, 'ThreadStartResponse', kit.threadStartResponse()],
    ['threadResumeResponse', v2, 'ThreadResumeResponse', kit.threadResumeResponse()],
    ['threadForkResponse', v2, 'ThreadForkResponse', kit.threadForkResponse(kit.threadInfo({ forkedFromId: 'thr-0' }))],
    ['threadReadResponse', v2, 'ThreadReadResponse', kit.threadReadResponse()],
    ['threadListResponse', v2, 'ThreadListResponse', kit.threadListResponse()],
    ['turnInfo (in progress)', v2, 'Turn', kit.turnInfo()],
    ['turnInfo (failed)', v2, 'Turn', kit.turnInfo({ status: 'failed', error: kit.turnError('x') })],
    ['turnStartResponse', v2, 'TurnStartResponse', kit.turnStartResponse()],
    ['turnError', v2, 'TurnError', kit.turnError()],
    ['modelInfo', v2, 'Model', kit.modelInfo({ id: 'gpt-x', isDefault: false })],
    ['modelListResponse', v2, 'ModelListResponse', kit.modelListResponse()],
    ['accountResponse', v2, 'GetAccountResponse', kit.accountResponse()],
    ['accountResponse (signed out)', v2, 'GetAccountResponse', kit.accountResponse({ account: null })],
    ['tokenUsage', v2, 'ThreadTokenUsage', kit.tokenUsage({ inputTokens: 1 }, { inputTokens: 5, cachedInputTokens: 2 })],
  ] as const)('%s', (_name, schema, definition, value) => expectValid(schema, definition, value));

  it.each([
    ['userMessageItem', kit.userMessageItem('i1', 'hi')],
    ['agentMessageItem', kit.agentMessageItem('i2', 'hello', 'final_answer')],
    ['reasoningItem', kit.reasoningItem('i3', ['thinking'])],
    ['commandExecutionItem (running)', kit.commandExecutionItem('i4', 'ls', { status: 'inProgress' })],
    ['commandExecutionItem (done)', kit.commandExecutionItem('i4', 'ls', { output: 'a\n', exitCode: 0 })],
    ['commandExecutionItem (declined)', kit.commandExecutionItem('i4', 'ls', { status: 'declined' })],
    ['fileChangeItem', kit.fileChangeItem('i5', [{ path: 'a', diff: '+a', kind: 'add' }, { path: 'b', diff: '-b', kind: 'delete' }, { path: 'c', diff: '~c' }])],
    ['mcpToolCallItem (result)', kit.mcpToolCallItem('i6', 'docs', 'search', { arguments: { q: 1 }, result: [{ type: 'text', text: 'x' }] })],
    ['mcpToolCallItem (error)', kit.mcpToolCallItem('i6', 'docs', 'search', { error: 'nope' })],
    ['mcpToolCallItem (running)', kit.mcpToolCallItem('i6', 'docs', 'search', { status: 'inProgress' })],
  ] as const)('%s', (_name, item) => expectValid(v2, 'ThreadItem', item));

  it.each([
    ['turnStarted', kit.turnStarted(ref)],
    ['turnCompleted (completed)', kit.turnCompleted(ref)],
    ['turnCompleted (interrupted)', kit.turnCompleted(ref, 'interrupted')],
    ['turnCompleted (failed)', kit.turnCompleted(ref, 'failed', kit.turnError('boom'))],
    ['itemStarted', kit.itemStarted(kit.agentMessageItem('m', ''), ref)],
    ['itemCompleted', kit.itemCompleted(kit.agentMessageItem('m', 'x'), ref)],
    ['agentMessageDelta', kit.agentMessageDelta('m', 'x', ref)],
    ['reasoningSummaryPartAdded', kit.reasoningSummaryPartAdded('r', 0, ref)],
    ['reasoningSummaryDelta', kit.reasoningSummaryDelta('r', 'x', 0, ref)],
    ['commandOutputDelta', kit.commandOutputDelta('c', 'x', ref)],
    ['mcpToolCallProgress', kit.mcpToolCallProgress('t', '50%', ref)],
    ['planUpdated', kit.planUpdated([{ step: 'a', status: 'pending' }, { step: 'b', status: 'completed' }], 'why', ref)],
    ['diffUpdated', kit.diffUpdated('+x', ref)],
    ['tokenUsageUpdated', kit.tokenUsageUpdated(kit.tokenUsage(), ref)],
    ['errorNotification', kit.errorNotification('boom', true, ref)],
    ['serverRequestResolved', kit.serverRequestResolved(3, 'thr-9')],
    ['threadStatusChanged (idle)', kit.threadStatusChanged({ type: 'idle' }, 'thr-9')],
    ['threadStatusChanged (active)', kit.threadStatusChanged({ type: 'active', activeFlags: ['waitingOnApproval', 'waitingOnUserInput'] }, 'thr-9')],
    ['commandApprovalRequest', kit.commandApprovalRequest(1, 'c', 'rm -rf build', ref, { reason: 'cleanup' })],
    ['fileChangeApprovalRequest', kit.fileChangeApprovalRequest(2, 'f', ref)],
    ['userInputRequest', kit.userInputRequest(3, 'u', [kit.userInputQuestion('q1', 'Which?'), kit.userInputQuestion('q2', 'Pick', [{ label: 'a' }])], ref)],
  ] as const)('%s', (_name, message) => expectValidMessage(message));

  it('covers every payload builder the kit exports', () => {
    const covered = new Set([
      ...['initializeResponse', 'threadInfo', 'threadStartResponse', 'threadResumeResponse', 'threadForkResponse', 'threadReadResponse', 'threadListResponse'],
      ...['turnInfo', 'turnStartResponse', 'turnError', 'modelInfo', 'modelListResponse', 'accountResponse', 'tokenUsage'],
      ...['userMessageItem', 'agentMessageItem', 'reasoningItem', 'commandExecutionItem', 'fileChangeItem', 'mcpToolCallItem'],
      ...['turnStarted', 'turnCompleted', 'itemStarted', 'itemCompleted', 'agentMessageDelta', 'reasoningSummaryPartAdded', 'reasoningSummaryDelta'],
      ...['commandOutputDelta', 'mcpToolCallProgress', 'planUpdated', 'diffUpdated', 'tokenUsageUpdated', 'errorNotification', 'serverRequestResolved', 'threadStatusChanged'],
      ...['commandApprovalRequest', 'fileChangeApprovalRequest', 'userInputRequest', 'userInputQuestion'],
    ]);
    const builders = Object.entries(kit)
      .filter(([name, value]) => typeof value === 'function' && /^[a-z]/.test(name))
      .map(([name]) => name)
      .filter((name) => !['scriptTurn', 'rpcError', 'message', 'functionCall', 'shellCommand', 'applyPatch', 'encodeStep', 'toSseFrame', 'idCounter'].includes(name));
    expect(builders.filter((name) => !covered.has(name))).toEqual([]);
  });
});

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
