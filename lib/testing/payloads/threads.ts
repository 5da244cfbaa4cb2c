/**
 * Protocol-valid answers about threads and turns, with deterministic defaults (fixed ids and
 * timestamps) and every field overridable. The project's own tests validate each against the
 * pinned JSON Schema, so a hand-written 40-field `thread/start` answer is never needed.
 */
import type { InitializeResponse } from '../../protocol/generated/InitializeResponse.js';
import type { Thread } from '../../protocol/generated/v2/Thread.js';
import type { ThreadForkResponse } from '../../protocol/generated/v2/ThreadForkResponse.js';
import type { ThreadListResponse } from '../../protocol/generated/v2/ThreadListResponse.js';
import type { ThreadReadResponse } from '../../protocol/generated/v2/ThreadReadResponse.js';
import type { ThreadResumeResponse } from '../../protocol/generated/v2/ThreadResumeResponse.js';
import type { ThreadStartResponse } from '../../protocol/generated/v2/ThreadStartResponse.js';
import type { Turn } from '../../protocol/generated/v2/Turn.js';
import type { TurnError } from '../../protocol/generated/v2/TurnError.js';
import type { TurnStatus } from '../../protocol/generated/v2/TurnStatus.js';
import { PROTOCOL_VERSION } from '../../protocol/tables.generated.js';

/** Thread id the builders use when none is given. */
export const FAKE_THREAD_ID = 'thr-1';
/** Turn id the builders use when none is given. */
export const FAKE_TURN_ID = 'turn-1';
/** Working directory the fake threads report. */
export const FAKE_CWD = '/workspace';
/** Model the fake threads report. */
export const FAKE_MODEL = 'mock-model';
/** Unix seconds every fake timestamp starts from (deterministic snapshots). */
export const FAKE_EPOCH_SECONDS = 1_700_000_000;

/** The answer of `initialize`. */
export function initializeResponse(overrides: Partial<InitializeResponse> = {}): InitializeResponse {
  return {
    userAgent: `codex_cli_rs/${PROTOCOL_VERSION} (fake) codex-rx`,
    codexHome: '/tmp/codex-home',
    platformFamily: 'unix',
    platformOs: 'linux',
    ...overrides,
  };
}

/** A thread as the server describes it (`thread/start`, `thread/read`, `thread/list`…). */
export function threadInfo(overrides: Partial<Thread> = {}): Thread {
  const id = overrides.id ?? FAKE_THREAD_ID;
  return {
    id,
    environments: null,
    extra: null,
    sessionId: `session-${id}`,
    forkedFromId: null,
    attachedToThreadId: null,
    parentThreadId: null,
    preview: '',
    ephemeral: false,
    section: null,
    sectionEnteredAt: null,
    projectId: null,
    historyMode: 'legacy',
    modelProvider: 'mock',
    model: FAKE_MODEL,
    reasoningEffort: null,
    createdAt: FAKE_EPOCH_SECONDS,
    updatedAt: FAKE_EPOCH_SECONDS,
    recencyAt: null,
    status: { type: 'idle' },
    path: null,
    cwd: FAKE_CWD,
    cliVersion: PROTOCOL_VERSION,
    originator: 'codex_rx',
    source: 'appServer',
    canAcceptDirectInput: true,
    threadSource: null,
    agentNickname: null,
    agentRole: null,
    gitInfo: null,
    name: null,
    daybreakEnabled: null,
    turns: [],
    ...overrides,
  };
}

/** The answer of `thread/start` (and, with the extra fields, of `thread/fork`). */
export function threadStartResponse(thread: Thread = threadInfo(), overrides: Partial<ThreadStartResponse> = {}): ThreadStartResponse {
  return {
    thread,
    model: thread.model ?? FAKE_MODEL,
    modelProvider: thread.modelProvider,
    serviceTier: null,
    disabledPluginIds: [],
    cwd: thread.cwd,
    runtimeWorkspaceRoots: [],
    instructionSources: [],
    approvalPolicy: 'never',
    approvalsReviewer: 'user',
    sandbox: { type: 'readOnly', networkAccess: false },
    activePermissionProfile: null,
    reasoningEffort: null,
    multiAgentMode: 'explicitRequestOnly',
    ...overrides,
  };
}

/** The answer of `thread/fork`. */
export function threadForkResponse(thread: Thread, overrides: Partial<ThreadForkResponse> = {}): ThreadForkResponse {
  return threadStartResponse(thread, overrides);
}

/** The answer of `thread/resume`. */
export function threadResumeResponse(thread: Thread = threadInfo(), overrides: Partial<ThreadResumeResponse> = {}): ThreadResumeResponse {
  return { ...threadStartResponse(thread), collaborationMode: null, initialTurnsPage: null, turnsBackwardsCursor: null, itemsBackwardsCursor: null, ...overrides };
}

/** The answer of `thread/read`. */
export function threadReadResponse(thread: Thread = threadInfo()): ThreadReadResponse {
  return { thread, readState: null };
}

/** The answer of `thread/list`: one page holding `threads`. */
export function threadListResponse(threads: readonly Thread[] = [threadInfo()]): ThreadListResponse {
  return { data: [...threads], readStates: null, nextCursor: null, backwardsCursor: null };
}

/** A turn; `turn/start` answers one `inProgress`, `turn/completed` carries one that ended. */
export function turnInfo(overrides: Partial<Turn> = {}): Turn {
  const id = overrides.id ?? FAKE_TURN_ID;
  const status: TurnStatus = overrides.status ?? 'inProgress';
  const ended = status !== 'inProgress';
  return {
    id,
    rootTurnId: id,
    items: [],
    itemsView: 'summary',
    status,
    error: null,
    startedAt: FAKE_EPOCH_SECONDS + 100,
    completedAt: ended ? FAKE_EPOCH_SECONDS + 103 : null,
    durationMs: ended ? 3_000 : null,
    ...overrides,
  };
}

/** The answer of `turn/start`. */
export function turnStartResponse(turnId = FAKE_TURN_ID): { turn: Turn } {
  return { turn: turnInfo({ id: turnId }) };
}

/** Why a turn failed (`turn/completed` with status failed, or the `error` notification). */
export function turnError(message = 'the model provider failed', overrides: Partial<TurnError> = {}): TurnError {
  return { message, codexErrorInfo: null, additionalDetails: null, misalignment: null, ...overrides };
}
