/**
 * The client-layer specs' fixture: payloads from the testing kit (lib/testing/payloads, each
 * checked against the pinned schema in spec/testing/payload-schema.spec.ts) under the short
 * positional signatures these specs use, and a FakeServer that answers the client's requests by
 * hand over the InMemoryTransport. Everything is synchronous, so tests (and marbles) decide
 * exactly when each answer and notification arrives. (For scripted turns, use the kit's
 * FakeAppServer and scriptTurn().)
 */
import { TestScheduler } from 'rxjs/testing';
import { Codex } from '../../lib/codex.js';
import type { CodexClientOptions } from '../../lib/codex-config.js';
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
import * as kit from '../../lib/testing/payloads/index.js';

export const THREAD_ID = kit.FAKE_THREAD_ID;
export const TURN_ID = kit.FAKE_TURN_ID;

/** These specs' threads work in /work and were written against codex 0.169.0. */
const SPEC_THREAD: Partial<ThreadInfo> = { cwd: '/work', cliVersion: '0.169.0' };
const ref = (threadId: string, turnId: string) => ({ threadId, turnId });

// ---------------------------------------------------------------- payloads

/** A thread as `thread/start` describes it. */
export function threadInfo(id = THREAD_ID, overrides: Partial<ThreadInfo> = {}): ThreadInfo {
  return kit.threadInfo({ ...SPEC_THREAD, ...overrides, id });
}

/** The answer of `thread/start` / `thread/resume` / `thread/fork`. */
export function threadStartResponse(thread: ThreadInfo = threadInfo()) {
  return kit.threadStartResponse(thread);
}

/** A turn payload (`turn/start` answers one with status inProgress). */
export function turn(id = TURN_ID, status: TurnStatus = 'inProgress', extra: Partial<Turn> = {}): Turn {
  return kit.turnInfo({ ...extra, id, status });
}

/** The answer of `turn/start`. */
export function turnStartResponse(turnId = TURN_ID) {
  return kit.turnStartResponse(turnId);
}

export function turnError(message = 'the model provider failed'): TurnError {
  return kit.turnError(message);
}

export function agentMessage(id: string, text: string, phase: MessagePhase | null = null): ThreadItem {
  return kit.agentMessageItem(id, text, phase);
}

export function userMessage(id: string, text: string): ThreadItem {
  return kit.userMessageItem(id, text);
}

export function commandExecution(id: string, command: string, status: 'inProgress' | 'completed' = 'completed'): ThreadItem {
  const done = status === 'completed';
  const item = kit.commandExecutionItem(id, command, { status, cwd: '/work', output: done ? 'ok\n' : null, exitCode: done ? 0 : null, durationMs: done ? 12 : null });
  return { ...item, commandActions: [] };
}

export function usage(totalTokens: number): ThreadTokenUsage {
  return kit.tokenUsage({ inputTokens: totalTokens - 10, outputTokens: 10 });
}

// ---------------------------------------------------------------- notifications

export function turnStarted(threadId = THREAD_ID, turnId = TURN_ID): Notification<'turn/started'> {
  return kit.turnStarted(ref(threadId, turnId));
}

export function turnCompleted(
  status: Exclude<TurnStatus, 'inProgress'> = 'completed',
  error: TurnError | null = null,
  threadId = THREAD_ID,
  turnId = TURN_ID,
): Notification<'turn/completed'> {
  return kit.turnCompleted(ref(threadId, turnId), status, error, { error });
}

export function itemStarted(item: ThreadItem, threadId = THREAD_ID, turnId = TURN_ID): Notification<'item/started'> {
  return kit.itemStarted(item, ref(threadId, turnId));
}

export function itemCompleted(item: ThreadItem, threadId = THREAD_ID, turnId = TURN_ID): Notification<'item/completed'> {
  return kit.itemCompleted(item, ref(threadId, turnId));
}

export function delta(itemId: string, text: string, threadId = THREAD_ID, turnId = TURN_ID): Notification<'item/agentMessage/delta'> {
  return kit.agentMessageDelta(itemId, text, ref(threadId, turnId));
}

export function outputDelta(itemId: string, text: string, threadId = THREAD_ID, turnId = TURN_ID): Notification<'item/commandExecution/outputDelta'> {
  return kit.commandOutputDelta(itemId, text, ref(threadId, turnId));
}

export function tokenUsageUpdated(totalTokens: number, threadId = THREAD_ID, turnId = TURN_ID): Notification<'thread/tokenUsage/updated'> {
  return kit.tokenUsageUpdated(usage(totalTokens), ref(threadId, turnId));
}

export function planUpdated(plan: TurnPlanStep[], threadId = THREAD_ID, turnId = TURN_ID): Notification<'turn/plan/updated'> {
  return kit.planUpdated(plan, null, ref(threadId, turnId));
}

export function diffUpdated(diff: string, threadId = THREAD_ID, turnId = TURN_ID): Notification<'turn/diff/updated'> {
  return kit.diffUpdated(diff, ref(threadId, turnId));
}

export function errorNotification(message: string, willRetry = false, threadId = THREAD_ID, turnId = TURN_ID): Notification<'error'> {
  return kit.errorNotification(message, willRetry, ref(threadId, turnId));
}

/** A server→client approval request of a turn (it has an `id`). */
export function commandApproval(id: number | string, itemId = 'cmd-1', threadId = THREAD_ID, turnId = TURN_ID): ServerRequestMessage<'item/commandExecution/requestApproval'> {
  const request = kit.commandApprovalRequest(id, itemId, 'rm -rf build', ref(threadId, turnId), { environmentId: null, cwd: '/work' });
  // These specs' request carries only the required fields.
  const { reason: _reason, commandActions: _actions, availableDecisions: _decisions, ...params } = request.params;
  return { ...request, params };
}

export function requestResolved(requestId: number | string, threadId = THREAD_ID): Notification<'serverRequest/resolved'> {
  return kit.serverRequestResolved(requestId, threadId);
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
export function createClient(config: CodexClientOptions = {}, transport = new InMemoryTransport()) {
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
