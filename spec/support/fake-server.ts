/**
 * A scripted app-server for client-layer tests: builders for realistic messages (shapes from
 * lib/protocol/generated/v2) and a FakeServer that answers the client's requests by hand over
 * the InMemoryTransport. Everything is synchronous, so tests (and marbles) decide exactly when
 * each answer and notification arrives.
 */
import { TestScheduler } from 'rxjs/testing';
import { Codex } from '../../lib/codex.js';
import type { CodexConfig } from '../../lib/codex-config.js';
import type { ServerRequestMessage } from '../../lib/protocol/methods.js';
import type { Notification } from '../../lib/protocol/methods.js';
import type { Thread as ThreadInfo } from '../../lib/protocol/generated/v2/Thread.js';
import type { ThreadItem } from '../../lib/protocol/generated/v2/ThreadItem.js';
import type { ThreadTokenUsage } from '../../lib/protocol/generated/v2/ThreadTokenUsage.js';
import type { Turn } from '../../lib/protocol/generated/v2/Turn.js';
import type { TurnError } from '../../lib/protocol/generated/v2/TurnError.js';
import type { TurnPlanStep } from '../../lib/protocol/generated/v2/TurnPlanStep.js';
import type { TurnStatus } from '../../lib/protocol/generated/v2/TurnStatus.js';
import type { MessagePhase } from '../../lib/protocol/generated/MessagePhase.js';
import type { Thread } from '../../lib/thread.js';
import { InMemoryTransport, type SentMessage } from '../../lib/transport/in-memory-transport.js';

export const THREAD_ID = 'thr-1';
export const TURN_ID = 'turn-1';

// ---------------------------------------------------------------- payloads

/** A thread as `thread/start` describes it. */
export function threadInfo(id = THREAD_ID, overrides: Partial<ThreadInfo> = {}): ThreadInfo {
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
    model: 'mock-model',
    reasoningEffort: null,
    createdAt: 1_700_000_000,
    updatedAt: 1_700_000_000,
    recencyAt: null,
    status: { type: 'idle' },
    path: null,
    cwd: '/work' as ThreadInfo['cwd'],
    cliVersion: '0.169.0',
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

/** The answer of `thread/start` / `thread/resume` / `thread/fork`. */
export function threadStartResponse(thread: ThreadInfo = threadInfo()) {
  return {
    thread,
    model: 'mock-model',
    modelProvider: 'mock',
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
  };
}

/** A turn payload (`turn/start` answers one with status inProgress). */
export function turn(id = TURN_ID, status: TurnStatus = 'inProgress', extra: Partial<Turn> = {}): Turn {
  const done = status !== 'inProgress';
  return {
    id,
    rootTurnId: id,
    items: [],
    itemsView: 'summary',
    status,
    error: null,
    startedAt: 1_700_000_100,
    completedAt: done ? 1_700_000_103 : null,
    durationMs: done ? 3_000 : null,
    ...extra,
  };
}

/** The answer of `turn/start`. */
export function turnStartResponse(turnId = TURN_ID) {
  return { turn: turn(turnId) };
}

export function turnError(message = 'the model provider failed'): TurnError {
  return { message, codexErrorInfo: null, additionalDetails: null, misalignment: null };
}

export function agentMessage(id: string, text: string, phase: MessagePhase | null = null): ThreadItem {
  return { type: 'agentMessage', id, text, phase, moderation: null, memoryCitation: null, delivery: null, questions: null };
}

export function userMessage(id: string, text: string): ThreadItem {
  return { type: 'userMessage', id, clientId: null, content: [{ type: 'text', text, text_elements: [] }] };
}

export function commandExecution(id: string, command: string, status: 'inProgress' | 'completed' = 'completed'): ThreadItem {
  return {
    type: 'commandExecution',
    id,
    pluginId: null,
    scriptPath: null,
    command,
    cwd: '/work' as never,
    processId: null,
    source: 'agent',
    status,
    commandActions: [],
    aggregatedOutput: status === 'completed' ? 'ok\n' : null,
    exitCode: status === 'completed' ? 0 : null,
    durationMs: status === 'completed' ? 12 : null,
  };
}

export function usage(totalTokens: number): ThreadTokenUsage {
  const breakdown = { totalTokens, inputTokens: totalTokens - 10, cachedInputTokens: 0, cacheWriteInputTokens: 0, outputTokens: 10, reasoningOutputTokens: 0 };
  return { total: breakdown, last: breakdown, modelContextWindow: 200_000 };
}

// ---------------------------------------------------------------- notifications

export function turnStarted(threadId = THREAD_ID, turnId = TURN_ID): Notification<'turn/started'> {
  return { method: 'turn/started', params: { threadId, turn: turn(turnId) } };
}

export function turnCompleted(
  status: Exclude<TurnStatus, 'inProgress'> = 'completed',
  error: TurnError | null = null,
  threadId = THREAD_ID,
  turnId = TURN_ID,
): Notification<'turn/completed'> {
  return { method: 'turn/completed', params: { threadId, turn: turn(turnId, status, { error }) } };
}

export function itemStarted(item: ThreadItem, threadId = THREAD_ID, turnId = TURN_ID): Notification<'item/started'> {
  return { method: 'item/started', params: { item, threadId, turnId, startedAtMs: 1_700_000_100_000 } };
}

export function itemCompleted(item: ThreadItem, threadId = THREAD_ID, turnId = TURN_ID): Notification<'item/completed'> {
  return { method: 'item/completed', params: { item, threadId, turnId, completedAtMs: 1_700_000_102_000 } };
}

export function delta(itemId: string, text: string, threadId = THREAD_ID, turnId = TURN_ID): Notification<'item/agentMessage/delta'> {
  return { method: 'item/agentMessage/delta', params: { threadId, turnId, itemId, delta: text } };
}

export function outputDelta(itemId: string, text: string, threadId = THREAD_ID, turnId = TURN_ID): Notification<'item/commandExecution/outputDelta'> {
  return { method: 'item/commandExecution/outputDelta', params: { threadId, turnId, itemId, delta: text } };
}

export function tokenUsageUpdated(totalTokens: number, threadId = THREAD_ID, turnId = TURN_ID): Notification<'thread/tokenUsage/updated'> {
  return { method: 'thread/tokenUsage/updated', params: { threadId, turnId, tokenUsage: usage(totalTokens) } };
}

export function planUpdated(plan: TurnPlanStep[], threadId = THREAD_ID, turnId = TURN_ID): Notification<'turn/plan/updated'> {
  return { method: 'turn/plan/updated', params: { threadId, turnId, explanation: null, plan } };
}

export function diffUpdated(diff: string, threadId = THREAD_ID, turnId = TURN_ID): Notification<'turn/diff/updated'> {
  return { method: 'turn/diff/updated', params: { threadId, turnId, diff } };
}

export function errorNotification(message: string, willRetry = false, threadId = THREAD_ID, turnId = TURN_ID): Notification<'error'> {
  return { method: 'error', params: { error: turnError(message), willRetry, threadId, turnId } };
}

/** A server→client approval request of a turn (it has an `id`). */
export function commandApproval(id: number | string, itemId = 'cmd-1', threadId = THREAD_ID, turnId = TURN_ID): ServerRequestMessage<'item/commandExecution/requestApproval'> {
  return {
    method: 'item/commandExecution/requestApproval',
    id,
    params: { kind: 'command', threadId, turnId, itemId, startedAtMs: 1_700_000_101_000, environmentId: null, command: 'rm -rf build', cwd: '/work' as never },
  };
}

export function requestResolved(requestId: number | string, threadId = THREAD_ID): Notification<'serverRequest/resolved'> {
  return { method: 'serverRequest/resolved', params: { threadId, requestId } };
}

export function loginCompleted(loginId: string, success = true): Notification<'account/login/completed'> {
  return { method: 'account/login/completed', params: { loginId, success, error: success ? null : 'denied', onboardingEntrypoint: null } };
}

// ---------------------------------------------------------------- the fake server

/** Answers the client's requests by hand, in the order the test decides. */
export class FakeServer {
  private readonly answered = new Set<string | number>();

  constructor(readonly transport: InMemoryTransport) {}

  /** Requests of `method` the client sent (answered or not), oldest first. */
  requests(method: string): SentMessage[] {
    return this.transport.sent.filter((m) => m.method === method && m.id !== undefined);
  }

  /** The params of every message of `method` the client sent. */
  paramsOf(method: string): unknown[] {
    return this.transport.sent.filter((m) => m.method === method).map((m) => m.params);
  }

  /** The methods the client sent, in order (answers to server requests show as `answer:<id>`). */
  methods(): string[] {
    return this.transport.sent.map((m) => m.method ?? `answer:${m.id}`);
  }

  /** Requests of `method` not answered through this FakeServer yet. */
  unanswered(method: string): SentMessage[] {
    return this.requests(method).filter((m) => !this.answered.has(m.id!));
  }

  /** Answers the oldest unanswered request of `method`. */
  respondTo(method: string, result: unknown): void {
    this.transport.respond(this.take(method), result);
  }

  /** Answers the oldest unanswered request of `method` with a JSON-RPC error. */
  failTo(method: string, code: number, message: string, data?: unknown): void {
    this.transport.respondError(this.take(method), code, message, data);
  }

  /** Delivers a notification or a server request. */
  emit(message: object): void {
    this.transport.emit(message);
  }

  private take(method: string): string | number {
    const request = this.unanswered(method)[0];
    if (!request) throw new Error(`FakeServer: no unanswered ${method} request (sent: ${this.methods().join(', ')})`);
    this.answered.add(request.id!);
    return request.id!;
  }
}

/** A Codex over an InMemoryTransport, with the server's always-instant answers installed. */
export function createClient(config: CodexConfig = {}, transport = new InMemoryTransport()) {
  transport.onRequest('turn/interrupt', () => ({}));
  const codex = new Codex({ transport, ...config });
  return { codex, transport, server: new FakeServer(transport) };
}

/** Opens thread `threadId` synchronously (the fake answers at once) and forgets what was sent. */
export function openThread(codex: Codex, transport: InMemoryTransport, threadId = THREAD_ID): Thread {
  transport.onRequest('thread/start', () => threadStartResponse(threadInfo(threadId)));
  let thread: Thread | undefined;
  codex.threadStart().subscribe((t) => (thread = t));
  if (!thread) throw new Error('openThread: thread/start was not answered synchronously');
  transport.clearSent();
  return thread;
}

/** Everything the connection tracks is back to zero. */
export function expectIdle(codex: Codex): void {
  expect(codex.stats).toEqual({ pendingRequests: 0, pendingServerRequests: 0, routes: 0, claimedThreads: 0, bufferedMessages: 0, trackedRequests: 0 });
}

/** A TestScheduler whose assertions are Jest's (asymmetric matchers work in expected values). */
export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** Matches an error of the codex-rx class `cls` (Jest's toEqual alone compares only messages). */
export function anError(cls: { readonly name: string }, props: Record<string, unknown> = {}) {
  return expect.objectContaining({ name: cls.name, ...props });
}
