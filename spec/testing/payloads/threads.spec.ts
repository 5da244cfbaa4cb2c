import * as threads from '../../../lib/testing/payloads/threads.js';
import {
  FAKE_CWD,
  FAKE_EPOCH_SECONDS,
  FAKE_MODEL,
  FAKE_THREAD_ID,
  FAKE_TURN_ID,
  initializeResponse,
  threadForkResponse,
  threadInfo,
  threadListResponse,
  threadReadResponse,
  threadResumeResponse,
  threadStartResponse,
  turnError,
  turnInfo,
  turnStartResponse,
} from '../../../lib/testing/payloads/threads.js';
import { PROTOCOL_VERSION } from '../../../lib/protocol/tables.generated.js';
import { coveredBuilders, expectValid, exportedFunctions, v1, v2 } from '../../support/payload-schemas.js';

const ROWS = [
  ['initializeResponse', v1, 'InitializeResponse', initializeResponse()],
  ['initializeResponse (overridden)', v1, 'InitializeResponse', initializeResponse({ platformOs: 'macos', codexHome: '/h' })],
  ['threadInfo', v2, 'Thread', threadInfo()],
  ['threadInfo (named, with a turn)', v2, 'Thread', threadInfo({ name: 'named', turns: [turnInfo({ status: 'completed' })] })],
  ['threadStartResponse', v2, 'ThreadStartResponse', threadStartResponse()],
  ['threadStartResponse (on-request, workspace-write)', v2, 'ThreadStartResponse', threadStartResponse(threadInfo({ id: 'thr-2' }), { approvalPolicy: 'on-request', sandbox: { type: 'workspaceWrite', writableRoots: [], networkAccess: false, excludeTmpdirEnvVar: false, excludeSlashTmp: false } })],
  ['threadResumeResponse', v2, 'ThreadResumeResponse', threadResumeResponse()],
  ['threadForkResponse', v2, 'ThreadForkResponse', threadForkResponse(threadInfo({ forkedFromId: 'thr-0' }))],
  ['threadReadResponse', v2, 'ThreadReadResponse', threadReadResponse()],
  ['threadListResponse', v2, 'ThreadListResponse', threadListResponse()],
  ['threadListResponse (empty)', v2, 'ThreadListResponse', threadListResponse([])],
  ['turnInfo (in progress)', v2, 'Turn', turnInfo()],
  ['turnInfo (failed)', v2, 'Turn', turnInfo({ status: 'failed', error: turnError('x') })],
  ['turnInfo (interrupted)', v2, 'Turn', turnInfo({ status: 'interrupted' })],
  ['turnStartResponse', v2, 'TurnStartResponse', turnStartResponse()],
  ['turnError', v2, 'TurnError', turnError()],
  ['turnError (with details)', v2, 'TurnError', turnError('limited', { additionalDetails: 'try later' })],
] as const;

describe('thread and turn payloads conform to the pinned schema', () => {
  it.each(ROWS)('%s', (_label, schema, definition, value) => expectValid(schema, definition, value));

  it('the check bites: a wrong value is reported', () => {
    expect(v2.check('Thread', { ...threadInfo(), status: { type: 'sleeping' } })).toBeDefined();
    expect(v2.check('Turn', { ...turnInfo(), status: 'done' })).toBeDefined();
    expect(v1.check('InitializeResponse', { userAgent: 'x' })).toBeDefined();
  });

  it('covers every builder of payloads/threads', () => {
    expect(coveredBuilders(ROWS)).toEqual(exportedFunctions(threads));
  });
});

describe('thread and turn payloads: defaults and overrides', () => {
  it('uses fixed ids, cwd, model and epoch, so snapshots are deterministic', () => {
    expect([FAKE_THREAD_ID, FAKE_TURN_ID, FAKE_CWD, FAKE_MODEL, FAKE_EPOCH_SECONDS]).toEqual(['thr-1', 'turn-1', '/workspace', 'mock-model', 1_700_000_000]);
    expect(threadInfo()).toMatchObject({ id: 'thr-1', sessionId: 'session-thr-1', cwd: '/workspace', model: 'mock-model', createdAt: 1_700_000_000, updatedAt: 1_700_000_000, status: { type: 'idle' }, turns: [] });
    expect(threadInfo()).toEqual(threadInfo());
  });

  it('initializeResponse names the pinned protocol version; fields are overridable', () => {
    expect(initializeResponse().userAgent).toBe(`codex_cli_rs/${PROTOCOL_VERSION} (fake) codex-rx`);
    expect(initializeResponse({ userAgent: 'x' })).toEqual({ userAgent: 'x', codexHome: '/tmp/codex-home', platformFamily: 'unix', platformOs: 'linux' });
  });

  it('threadInfo derives the session id from the id, and every field can be overridden', () => {
    expect(threadInfo({ id: 'thr-7' }).sessionId).toBe('session-thr-7');
    expect(threadInfo({ id: 'thr-7', sessionId: 's' }).sessionId).toBe('s');
    expect(threadInfo({ cliVersion: '9.9.9', ephemeral: true })).toMatchObject({ cliVersion: '9.9.9', ephemeral: true });
    expect(threadInfo().cliVersion).toBe(PROTOCOL_VERSION);
  });

  it('threadStartResponse takes model, provider and cwd from its thread (model null → the fake model)', () => {
    const thread = threadInfo({ model: 'gpt-x', modelProvider: 'openai', cwd: '/repo' });
    expect(threadStartResponse(thread)).toMatchObject({ thread, model: 'gpt-x', modelProvider: 'openai', cwd: '/repo', approvalPolicy: 'never' });
    expect(threadStartResponse(threadInfo({ model: null })).model).toBe(FAKE_MODEL);
    expect(threadStartResponse(thread, { model: 'other' }).model).toBe('other');
  });

  it('threadForkResponse is a thread/start answer for the fork; threadResumeResponse adds its paging fields', () => {
    const fork = threadInfo({ id: 'thr-fork', forkedFromId: 'thr-1' });
    expect(threadForkResponse(fork)).toEqual(threadStartResponse(fork));
    expect(threadResumeResponse()).toEqual({ ...threadStartResponse(), collaborationMode: null, initialTurnsPage: null, turnsBackwardsCursor: null, itemsBackwardsCursor: null });
    expect(threadResumeResponse(threadInfo(), { approvalPolicy: 'on-request' }).approvalPolicy).toBe('on-request');
  });

  it('threadReadResponse and threadListResponse wrap their threads (the list is a copy, one page)', () => {
    const thread = threadInfo({ id: 'thr-3' });
    expect(threadReadResponse(thread)).toEqual({ thread, readState: null });
    const given = [thread];
    const list = threadListResponse(given);
    expect(list).toEqual({ data: [thread], readStates: null, nextCursor: null, backwardsCursor: null });
    list.data.push(threadInfo());
    expect(given).toHaveLength(1);
  });

  it('turnInfo: in progress has no end; an ended turn has completedAt and durationMs; the root is the turn itself', () => {
    expect(turnInfo()).toMatchObject({ id: 'turn-1', rootTurnId: 'turn-1', status: 'inProgress', startedAt: FAKE_EPOCH_SECONDS + 100, completedAt: null, durationMs: null, error: null });
    for (const status of ['completed', 'interrupted', 'failed'] as const) {
      expect(turnInfo({ id: 'turn-5', status })).toMatchObject({ id: 'turn-5', rootTurnId: 'turn-5', status, completedAt: FAKE_EPOCH_SECONDS + 103, durationMs: 3000 });
    }
    expect(turnInfo({ status: 'completed', durationMs: 5 }).durationMs).toBe(5);
  });

  it('turnStartResponse answers an in-progress turn with the given id', () => {
    expect(turnStartResponse('turn-9')).toEqual({ turn: turnInfo({ id: 'turn-9' }) });
    expect(turnStartResponse().turn.status).toBe('inProgress');
  });

  it('turnError has a default message and takes overrides', () => {
    expect(turnError()).toEqual({ message: 'the model provider failed', codexErrorInfo: null, additionalDetails: null, misalignment: null });
    expect(turnError('slow down', { codexErrorInfo: 'serverOverloaded' })).toMatchObject({ message: 'slow down', codexErrorInfo: 'serverOverloaded' });
  });
});
