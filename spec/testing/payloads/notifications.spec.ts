import * as notifications from '../../../lib/testing/payloads/notifications.js';
import {
  DEFAULT_TURN_REF,
  agentMessageDelta,
  commandApprovalRequest,
  commandOutputDelta,
  diffUpdated,
  errorNotification,
  fileChangeApprovalRequest,
  itemCompleted,
  itemStarted,
  mcpToolCallProgress,
  planUpdated,
  reasoningSummaryDelta,
  reasoningSummaryPartAdded,
  serverRequestResolved,
  threadStatusChanged,
  tokenUsage,
  tokenUsageUpdated,
  turnCompleted,
  turnStarted,
  userInputQuestion,
  userInputRequest,
} from '../../../lib/testing/payloads/notifications.js';
import { agentMessageItem } from '../../../lib/testing/payloads/items.js';
import { FAKE_THREAD_ID, FAKE_TURN_ID, turnError, turnInfo } from '../../../lib/testing/payloads/threads.js';
import { validateInbound } from '../../../lib/validation/inbound-validator.js';
import { coveredBuilders, expectValid, expectValidMessage, exportedFunctions, v2 } from '../../support/payload-schemas.js';

const ref = { threadId: 'thr-9', turnId: 'turn-9' };

const MESSAGES = [
  ['turnStarted', turnStarted(ref)],
  ['turnCompleted (completed)', turnCompleted(ref)],
  ['turnCompleted (interrupted)', turnCompleted(ref, 'interrupted')],
  ['turnCompleted (failed)', turnCompleted(ref, 'failed', turnError('boom'))],
  ['turnCompleted (failed, default error)', turnCompleted(ref, 'failed')],
  ['itemStarted', itemStarted(agentMessageItem('m', ''), ref)],
  ['itemCompleted', itemCompleted(agentMessageItem('m', 'x'), ref)],
  ['agentMessageDelta', agentMessageDelta('m', 'x', ref)],
  ['reasoningSummaryPartAdded', reasoningSummaryPartAdded('r', 0, ref)],
  ['reasoningSummaryDelta', reasoningSummaryDelta('r', 'x', 0, ref)],
  ['commandOutputDelta', commandOutputDelta('c', 'x', ref)],
  ['mcpToolCallProgress', mcpToolCallProgress('t', '50%', ref)],
  ['planUpdated', planUpdated([{ step: 'a', status: 'pending' }, { step: 'b', status: 'completed' }], 'why', ref)],
  ['diffUpdated', diffUpdated('+x', ref)],
  ['tokenUsageUpdated', tokenUsageUpdated(tokenUsage(), ref)],
  ['errorNotification', errorNotification('boom', true, ref)],
  ['serverRequestResolved', serverRequestResolved(3, 'thr-9')],
  ['threadStatusChanged (idle)', threadStatusChanged({ type: 'idle' }, 'thr-9')],
  ['threadStatusChanged (active)', threadStatusChanged({ type: 'active', activeFlags: ['waitingOnApproval', 'waitingOnUserInput'] }, 'thr-9')],
  ['commandApprovalRequest', commandApprovalRequest(1, 'c', 'rm -rf build', ref, { reason: 'cleanup' })],
  ['fileChangeApprovalRequest', fileChangeApprovalRequest(2, 'f', ref)],
  ['userInputRequest', userInputRequest('req-3', 'u', [userInputQuestion('q1', 'Which?'), userInputQuestion('q2', 'Pick', [{ label: 'a' }, { label: 'b', description: 'the b' }])], ref)],
  // A question has no definition of its own in the server-request schema: checked inside its request.
  ['userInputQuestion (inside userInputRequest)', userInputRequest(4, 'u', [userInputQuestion('q', 'Why?', [{ label: 'a' }])])],
] as const;

/** Builders whose output is a part of a message, checked against its own definition. */
const PARTS = [
  ['tokenUsage', 'ThreadTokenUsage', tokenUsage({ inputTokens: 1 }, { inputTokens: 5, cachedInputTokens: 2 })],
  ['tokenUsage (no context window)', 'ThreadTokenUsage', tokenUsage({}, {}, null)],
] as const;

describe('notifications and server requests conform to the pinned schema', () => {
  it.each(MESSAGES)('%s', (_label, message) => expectValidMessage(message));
  it.each(PARTS)('%s', (_label, definition, value) => expectValid(v2, definition, value));

  it('the check bites: a wrong message is reported', () => {
    const delta = agentMessageDelta('m', 'x', ref);
    expect(validateInbound('notification', delta.method, { ...delta.params, delta: 5 })).toBeDefined();
    const approval = commandApprovalRequest(1, 'c', 'ls', ref);
    expect(validateInbound('request', approval.method, { ...approval.params, availableDecisions: ['maybe'] })).toBeDefined();
  });

  it('covers every builder of payloads/notifications', () => {
    expect([...new Set([...coveredBuilders(MESSAGES), ...coveredBuilders(PARTS)])].sort()).toEqual(exportedFunctions(notifications));
  });
});

describe('notifications and server requests: addressing and defaults', () => {
  it('address thr-1 / turn-1 by default (a frozen ref), or the turn given', () => {
    expect(DEFAULT_TURN_REF).toEqual({ threadId: FAKE_THREAD_ID, turnId: FAKE_TURN_ID });
    expect(Object.isFrozen(DEFAULT_TURN_REF)).toBe(true);
    expect(agentMessageDelta('m', 'x').params).toEqual({ threadId: 'thr-1', turnId: 'turn-1', itemId: 'm', delta: 'x' });
    expect(agentMessageDelta('m', 'x', ref).params).toEqual({ threadId: 'thr-9', turnId: 'turn-9', itemId: 'm', delta: 'x' });
    expect(turnStarted(ref)).toEqual({ method: 'turn/started', params: { threadId: 'thr-9', turn: turnInfo({ id: 'turn-9' }) } });
  });

  it('take only the ids from a ref, whatever else it carries', () => {
    const wide = { ...ref, extra: 'x' };
    expect(Object.keys(commandOutputDelta('c', 'x', wide).params).sort()).toEqual(['delta', 'itemId', 'threadId', 'turnId']);
  });

  it('turnCompleted: completed with no error by default; failed gets a default error; the turn fields are overridable', () => {
    expect(turnCompleted().params.turn).toMatchObject({ id: 'turn-1', status: 'completed', error: null });
    expect(turnCompleted(ref, 'interrupted').params.turn).toMatchObject({ status: 'interrupted', error: null });
    expect(turnCompleted(ref, 'failed').params.turn.error).toEqual(turnError());
    expect(turnCompleted(ref, 'failed', turnError('boom')).params.turn.error!.message).toBe('boom');
    expect(turnCompleted(ref, 'completed', null, { durationMs: 7 }).params.turn.durationMs).toBe(7);
  });

  it('itemStarted and itemCompleted carry the item and its timestamps', () => {
    const item = agentMessageItem('m', 'x');
    expect(itemStarted(item).params).toEqual({ item, threadId: 'thr-1', turnId: 'turn-1', startedAtMs: 1_700_000_100_000 });
    expect(itemCompleted(item).params).toEqual({ item, threadId: 'thr-1', turnId: 'turn-1', completedAtMs: 1_700_000_102_000 });
  });

  it('reasoning deltas default to summary part 0', () => {
    expect(reasoningSummaryPartAdded('r').params.summaryIndex).toBe(0);
    expect(reasoningSummaryDelta('r', 'x').params.summaryIndex).toBe(0);
    expect(reasoningSummaryDelta('r', 'x', 2).params.summaryIndex).toBe(2);
  });

  it('planUpdated copies the plan; explanation defaults to null', () => {
    const plan = [{ step: 'a', status: 'pending' as const }];
    const note = planUpdated(plan);
    expect(note.params).toMatchObject({ explanation: null, plan });
    note.params.plan.push({ step: 'b', status: 'pending' });
    expect(plan).toHaveLength(1);
  });

  it('tokenUsage: totals are input + output, total defaults to last, defaults 100 in / 20 out', () => {
    expect(tokenUsage()).toEqual({
      last: { totalTokens: 120, inputTokens: 100, cachedInputTokens: 0, cacheWriteInputTokens: 0, outputTokens: 20, reasoningOutputTokens: 0 },
      total: { totalTokens: 120, inputTokens: 100, cachedInputTokens: 0, cacheWriteInputTokens: 0, outputTokens: 20, reasoningOutputTokens: 0 },
      modelContextWindow: 200_000,
    });
    const usage = tokenUsage({ inputTokens: 5, outputTokens: 1, reasoningOutputTokens: 1 }, { inputTokens: 50, cachedInputTokens: 10, outputTokens: 9 });
    expect(usage.last).toMatchObject({ totalTokens: 6, inputTokens: 5, outputTokens: 1, reasoningOutputTokens: 1 });
    expect(usage.total).toMatchObject({ totalTokens: 59, inputTokens: 50, cachedInputTokens: 10, outputTokens: 9 });
    expect(tokenUsageUpdated().params.tokenUsage).toEqual(tokenUsage());
  });

  it('errorNotification wraps a turn error; willRetry defaults to false', () => {
    expect(errorNotification('boom').params).toEqual({ error: turnError('boom'), willRetry: false, threadId: 'thr-1', turnId: 'turn-1' });
  });

  it('thread-level notifications address a thread only', () => {
    expect(threadStatusChanged({ type: 'idle' })).toEqual({ method: 'thread/status/changed', params: { threadId: 'thr-1', status: { type: 'idle' } } });
    expect(serverRequestResolved('r-1')).toEqual({ method: 'serverRequest/resolved', params: { threadId: 'thr-1', requestId: 'r-1' } });
  });

  it('server requests carry their id (number or string) and take overrides', () => {
    const exec = commandApprovalRequest('req-1', 'c', 'make', ref, { reason: 'build', availableDecisions: ['accept', 'decline'] });
    expect(exec).toMatchObject({ method: 'item/commandExecution/requestApproval', id: 'req-1', params: { kind: 'command', itemId: 'c', command: 'make', reason: 'build', availableDecisions: ['accept', 'decline'], commandActions: [{ type: 'unknown', command: 'make' }] } });
    expect(commandApprovalRequest(4, 'c', 'ls').params).toMatchObject({ threadId: 'thr-1', turnId: 'turn-1', reason: null, availableDecisions: ['accept', 'decline', 'cancel'] });
    expect(fileChangeApprovalRequest(5, 'f', ref, { grantRoot: '/w' })).toMatchObject({ method: 'item/fileChange/requestApproval', id: 5, params: { itemId: 'f', grantRoot: '/w', reason: null } });
  });

  it('userInputQuestion: free text without options; option descriptions default to their labels', () => {
    expect(userInputQuestion('q', 'Name?')).toEqual({ id: 'q', header: 'Name?', question: 'Name?', isOther: false, isSecret: false, options: null });
    expect(userInputQuestion('q', 'Pick', [{ label: 'a' }, { label: 'b', description: 'bee' }]).options).toEqual([
      { label: 'a', description: 'a' },
      { label: 'b', description: 'bee' },
    ]);
    const questions = [userInputQuestion('q', 'Name?')];
    const request = userInputRequest(7, 'u', questions);
    expect(request.params).toMatchObject({ threadId: 'thr-1', turnId: 'turn-1', itemId: 'u', isBlocking: true, autoResolutionMs: null, questions });
    request.params.questions.push(userInputQuestion('r', 'More?'));
    expect(questions).toHaveLength(1);
  });
});
