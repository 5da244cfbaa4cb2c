/**
 * An app-server in memory that behaves like the real one for the common methods, so code built
 * on codex-rx can be tested without a binary, a model or a network — in virtual time
 * (`TestScheduler.run()`) or in real time.
 */
import { asyncScheduler, Subject, type Observable, type SchedulerLike } from 'rxjs';
import { Codex } from '../codex.js';
import type { CodexClientOptions } from '../codex-config.js';
import type { ClientMethod, Notification, ParamsOf, ResultOf, ServerRequestMessage } from '../protocol/methods.js';
import type { RequestId } from '../protocol/generated/RequestId.js';
import type { Thread as ThreadInfo } from '../protocol/generated/v2/Thread.js';
import { InMemoryTransport, type FakeRequestHandler, type SentMessage } from '../transport/in-memory-transport.js';
import type { CodexPlatform } from '../platform.js';
import * as EAGER_STREAMS from '../streams/all-streams.js';
import { EAGER_VALIDATORS } from '../validation/eager-validators.js';
import { accountResponse, modelListResponse } from './payloads/account.js';
import { userMessageItem } from './payloads/items.js';
import {
  FAKE_CWD,
  initializeResponse,
  threadForkResponse,
  threadInfo,
  threadListResponse,
  threadReadResponse,
  threadResumeResponse,
  threadStartResponse,
  turnInfo,
  turnStartResponse,
} from './payloads/threads.js';
import { itemCompleted, itemStarted } from './payloads/notifications.js';
import { FakeOutbox, type DeliveredError, type DeliveredMessage } from './fake-outbox.js';
import { TurnPlayer } from './turn-player.js';
import { endingError, scriptTurn, type ClientAnswer, type TurnContext, type TurnEnding, type TurnScript } from './turn-script.js';

/** Answers one client request: return the result (or throw `{ code, message }` for an error). */
export type FakeHandler<M extends ClientMethod> = (params: ParamsOf<M>, request: FakeRequest<M>) => ResultOf<M>;

/** A request as a handler sees it, with the answer the fake would give by default. */
export interface FakeRequest<M extends ClientMethod> {
  readonly id: RequestId;
  readonly method: M;
  /** The fake's own answer (computing it has its effects: a started thread, a played turn…). */
  defaultResult(): ResultOf<M>;
}

/** Options of {@link FakeAppServer}. */
export interface FakeAppServerOptions {
  /** Where scripts are played. Default `asyncScheduler`: virtual inside `TestScheduler.run()`. */
  scheduler?: SchedulerLike;
  /** Played by a `turn/start` when no script is queued. Default: agent message "Done.", completed. */
  defaultTurn?: TurnScript;
  /** Keep every message of both directions in `transport.sent` and `delivered` (default true; false for long runs). */
  recordSent?: boolean;
}

/** What the kit hands each client it creates, and no other (CodexPlatform: per client, no process-wide state). */
const KIT_PLATFORM: CodexPlatform = { name: 'codex-rx/testing', validators: EAGER_VALIDATORS, streams: EAGER_STREAMS };

/** A JSON-RPC error for a handler to throw. */
export function rpcError(code: number, message: string, data?: unknown): { code: number; message: string; data?: unknown } {
  return data === undefined ? { code, message } : { code, message, data };
}

type AnyHandler = (params: any, request: FakeRequest<any>) => unknown;

/**
 * Answers the handshake and the common methods with protocol-valid payloads; plays a
 * {@link TurnScript} for each `turn/start`, and ends an interrupted turn where it stands, as the
 * real app-server does (see TurnPlayer); records both directions: what the client sent
 * (`requests()`, `answers`) and what the fake sent (`delivered`). Override any method per call
 * with `handle()` / `handleOnce()`.
 */
export class FakeAppServer {
  /** The transport to give a Codex: `new Codex({ transport: server.transport })`; its `onRequest()` is `handle()`. */
  readonly transport: InMemoryTransport;
  /** Every server request the client answered, in order. */
  readonly answers: ClientAnswer[] = [];
  /** Each answer as it arrives (hot; in marble tests it emits at the answer's frame). */
  readonly answers$: Observable<ClientAnswer>;
  /** Every message the fake sent to the client (notifications, server requests, answers), in order. */
  readonly delivered: readonly DeliveredMessage[];
  /** Each message the fake sends to the client, as it goes out (hot; in marble tests it emits at its frame). */
  readonly delivered$: Observable<DeliveredMessage>;

  readonly scheduler: SchedulerLike;
  private readonly threads = new Map<string, { info: ThreadInfo; archived: boolean }>();
  private readonly active = new Map<string, TurnPlayer>();
  private readonly scripts: TurnScript[] = [];
  private readonly handlers = new Map<string, AnyHandler>();
  private readonly onceHandlers = new Map<string, AnyHandler[]>();
  private readonly held = new Map<string, SentMessage[]>();
  private readonly holding = new Set<string>();
  private readonly waitingAnswers = new Map<RequestId, { request: ServerRequestMessage; onAnswer: (a: ClientAnswer) => void }>();
  private readonly answerSubject = new Subject<ClientAnswer>();
  private readonly outbox: FakeOutbox;
  /** What an answer being computed leaves to do once it went out (the ending of an interrupted turn). */
  private afterAnswer: Array<() => void> = [];
  private readonly defaultTurn: TurnScript;
  private counters = { thread: 0, turn: 0, item: 0, request: 0 };

  constructor(options: FakeAppServerOptions = {}) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.defaultTurn = options.defaultTurn ?? scriptTurn().agentMessage('Done.');
    // `transport.onRequest(method, handler)` on the fake's transport is `handle(method, handler)`,
    // so tests written against a bare InMemoryTransport keep working on the fake.
    const server = this;
    this.transport = new (class extends InMemoryTransport {
      override onRequest(method: string, handler: FakeRequestHandler): this {
        server.handle(method as ClientMethod, handler as FakeHandler<ClientMethod>);
        return this;
      }
    })({ initializeResponse: null, recordSent: options.recordSent });
    this.answers$ = this.answerSubject.asObservable();
    this.outbox = new FakeOutbox((message) => this.transport.emit(message), options.recordSent ?? true);
    this.delivered = this.outbox.delivered;
    this.delivered$ = this.outbox.delivered$;
    this.transport.sent$.subscribe({ next: (m) => this.onSent(m), complete: () => this.shutDown() });
  }

  /**
   * A Codex client on this server (no I/O until first use, like any Codex). It validates and
   * builds its streams synchronously from the first call, in a browser test runner too: the kit
   * hands it the validators and the streams (virtual time has no room for a chunk load). Only
   * this client gets them: other clients of the process are left as they are.
   */
  createClient(config: CodexClientOptions = {}): Codex {
    return new Codex({ ...config, transport: this.transport }, KIT_PLATFORM);
  }

  /** Queues scripts: each `turn/start` plays the next one (then `defaultTurn`). */
  enqueueTurn(...scripts: TurnScript[]): this {
    this.scripts.push(...scripts);
    return this;
  }

  /** Answers every request of `method` with `handler` from now on (replacing the fake's own answer). */
  handle<M extends ClientMethod>(method: M, handler: FakeHandler<M>): this {
    this.handlers.set(method, handler as AnyHandler);
    return this;
  }

  /** Answers only the next request of `method` with `handler` (queued: call it again for the one after). */
  handleOnce<M extends ClientMethod>(method: M, handler: FakeHandler<M>): this {
    const queue = this.onceHandlers.get(method) ?? [];
    queue.push(handler as AnyHandler);
    this.onceHandlers.set(method, queue);
    return this;
  }

  /** Leaves requests of `method` unanswered until `respondTo()` / `failTo()` (e.g. to test timing). */
  hold(method: ClientMethod): this {
    this.holding.add(method);
    return this;
  }

  /** Answers the oldest held request of `method` with `result` (default: the fake's own answer). */
  respondTo<M extends ClientMethod>(method: M, result?: ResultOf<M>): void {
    const request = this.takeHeld(method);
    this.answer(request, () => (result === undefined ? this.builtin(method, request) : result));
  }

  /** Answers the oldest held request of `method` with a JSON-RPC error. */
  failTo(method: ClientMethod, code: number, message: string, data?: unknown): void {
    this.outbox.answer(method, this.takeHeld(method).id!, { error: wireError({ code, message, data }) });
  }

  /** The params of every request of `method` the client sent, oldest first. */
  requests<M extends ClientMethod>(method: M): ParamsOf<M>[] {
    return this.transport.sent.filter((m) => m.method === method && m.id !== undefined).map((m) => m.params as ParamsOf<M>);
  }

  /** Sends a notification (or a server request) to the client now (right after the message being delivered, if any). */
  emit(message: Notification | ServerRequestMessage): void {
    this.outbox.send(message);
  }

  /** The app-server dies: every pending request and stream of the client errors. */
  fail(error?: unknown): void {
    this.shutDown();
    this.transport.fail(error);
  }

  /** Scheduled messages after the connection ended have nobody to go to: they are dropped. */
  private deliver(message: Notification | ServerRequestMessage, due?: () => boolean): void {
    this.outbox.send(message, due);
  }

  private shutDown(): void {
    this.outbox.close();
    for (const player of this.active.values()) player.stop();
    this.active.clear();
  }

  /** The thread the fake knows by `id`, as `thread/read` would describe it. */
  thread(id: string): ThreadInfo | undefined {
    return this.threads.get(id)?.info;
  }

  /** The turn running on `threadId`, if any. */
  activeTurnId(threadId: string): string | undefined {
    return this.active.get(threadId)?.ctx.turnId;
  }

  private onSent(m: SentMessage): void {
    if (m.method === undefined) {
      if (m.id !== undefined) this.onAnswer(m);
      return;
    }
    if (m.id === undefined) return; // a client notification (`initialized`)
    if (this.holding.has(m.method)) {
      const queue = this.held.get(m.method) ?? [];
      queue.push(m);
      this.held.set(m.method, queue);
      return;
    }
    const request = this.requestOf(m);
    const handler = this.onceHandlers.get(m.method)?.shift() ?? this.handlers.get(m.method);
    this.answer(m, () => (handler ? handler(m.params, request) : this.builtin(m.method!, m)));
  }

  /** Answers request `m` with what `compute` returns (or throws), then does what that left for after the answer. */
  private answer(m: SentMessage, compute: () => unknown): void {
    const outer = this.afterAnswer;
    const after: Array<() => void> = (this.afterAnswer = []);
    try {
      let outcome: { result: unknown } | { error: DeliveredError };
      try {
        outcome = { result: compute() };
      } catch (e) {
        outcome = { error: wireError(e) };
      }
      this.outbox.answer(m.method!, m.id!, outcome);
    } finally {
      this.afterAnswer = outer;
    }
    for (const next of after) next();
  }

  private requestOf(m: SentMessage): FakeRequest<any> {
    return { id: m.id!, method: m.method, defaultResult: () => this.builtin(m.method!, m) };
  }

  private takeHeld(method: string): SentMessage {
    const request = this.held.get(method)?.shift();
    if (!request) throw new Error(`FakeAppServer: no held ${method} request (hold(${JSON.stringify(method)}) first)`);
    return request;
  }

  private onAnswer(m: SentMessage): void {
    const waiting = this.waitingAnswers.get(m.id!);
    if (!waiting) return;
    this.waitingAnswers.delete(m.id!);
    const answer: ClientAnswer = m.error !== undefined ? { request: waiting.request, error: m.error as ClientAnswer['error'] } : { request: waiting.request, result: m.result };
    this.answers.push(answer);
    this.answerSubject.next(answer);
    waiting.onAnswer(answer);
  }

  /** The fake's own answer to `method`; unknown methods get -32601. */
  private builtin(method: string, m: SentMessage): any {
    const p = (m.params ?? {}) as Record<string, any>;
    switch (method) {
      case 'initialize':
        return initializeResponse();
      case 'thread/start':
        return threadStartResponse(this.newThread({ cwd: p.cwd ?? FAKE_CWD, model: p.model ?? undefined, ephemeral: p.ephemeral ?? false }));
      case 'thread/resume':
        return threadResumeResponse(this.known(p.threadId) ?? this.newThread({ id: p.threadId }));
      case 'thread/fork': {
        const source = this.known(p.threadId);
        return threadForkResponse(this.newThread({ cwd: source?.cwd ?? FAKE_CWD, forkedFromId: p.threadId, turns: source?.turns ?? [] }));
      }
      case 'thread/read': {
        const info = this.known(p.threadId);
        if (!info) throw rpcError(-32600, `thread not found: ${p.threadId}`);
        return threadReadResponse(p.includeTurns ? info : { ...info, turns: [] });
      }
      case 'thread/list':
        return threadListResponse([...this.threads.values()].filter((t) => t.archived === (p.archived === true)).map((t) => ({ ...t.info, turns: [] })));
      case 'thread/archive':
      case 'thread/unarchive': {
        const entry = this.threads.get(p.threadId);
        if (!entry) throw rpcError(-32600, `thread not found: ${p.threadId}`);
        entry.archived = method === 'thread/archive';
        if (entry.archived) this.later(() => this.deliver({ method: 'thread/archived', params: { threadId: p.threadId } }));
        return entry.archived ? {} : { thread: entry.info };
      }
      case 'thread/name/set':
        this.update(p.threadId, { name: p.name });
        return {};
      case 'model/list':
        return modelListResponse();
      case 'account/read':
        return accountResponse();
      case 'turn/start':
        return this.startTurn(p.threadId, p.input);
      case 'turn/steer': {
        const turnId = this.activeTurnId(p.threadId);
        if (turnId === undefined) throw rpcError(-32600, 'no active turn to steer');
        if (p.expectedTurnId !== undefined && p.expectedTurnId !== turnId) throw rpcError(-32600, `expected active turn id \`${p.expectedTurnId}\` but found \`${turnId}\``);
        return { turnId };
      }
      case 'turn/interrupt': {
        // The real server's answers (0.171.0), to the word: a turn is interruptible once `turn/started` went out.
        const player = this.active.get(p.threadId);
        if (!player?.running) throw rpcError(-32600, 'no active turn to interrupt');
        if (player.ctx.turnId !== p.turnId) throw rpcError(-32600, `expected active turn id ${p.turnId} but found ${player.ctx.turnId}`);
        // Cut now; `turn/completed` (interrupted) follows the answer.
        this.afterAnswer.push(player.interrupt());
        return {};
      }
      default:
        throw rpcError(-32601, `FakeAppServer has no answer for ${method}: add one with server.handle(${JSON.stringify(method)}, …)`);
    }
  }

  private startTurn(threadId: string, input: unknown): { turn: ReturnType<typeof turnInfo> } {
    if (!this.threads.has(threadId)) this.newThread({ id: threadId });
    const running = this.active.get(threadId);
    // The real server folds a second turn/start into the running turn: same id, one stream.
    if (running) return turnStartResponse(running.ctx.turnId);
    const turnId = `turn-${++this.counters.turn}`;
    const ctx: TurnContext = { threadId, turnId, nextItemId: () => `item-${++this.counters.item}` };
    const text = firstText(input);
    const userItem = text === undefined ? undefined : userMessageItem(ctx.nextItemId(), text);
    const script = this.scripts.shift() ?? this.defaultTurn;
    const ops = userItem ? [{ kind: 'emit' as const, build: () => [itemStarted(userItem, ctx), itemCompleted(userItem, ctx)] }, ...script.ops] : script.ops;
    const player = new TurnPlayer(
      {
        scheduler: this.scheduler,
        emit: (message, due) => this.deliver(message, due),
        nextRequestId: () => this.counters.request++,
        awaitAnswer: (request, onAnswer) => this.waitingAnswers.set(request.id, { request, onAnswer }),
        ended: (c, ending) => this.turnEnded(c, ending),
      },
      ctx,
      ops,
    );
    this.active.set(threadId, player);
    player.start();
    return turnStartResponse(turnId);
  }

  private turnEnded(ctx: TurnContext, ending: TurnEnding): void {
    if (this.active.get(ctx.threadId)?.ctx === ctx) this.active.delete(ctx.threadId);
    const info = this.known(ctx.threadId);
    if (info) this.update(ctx.threadId, { turns: [...info.turns, turnInfo({ id: ctx.turnId, status: ending.status, error: endingError(ending) })] });
  }

  private newThread(overrides: Partial<ThreadInfo>): ThreadInfo {
    const id = overrides.id ?? `thr-${++this.counters.thread}`;
    const info = threadInfo({ ...stripUndefined(overrides), id });
    this.threads.set(id, { info, archived: false });
    return info;
  }

  private known(id: string): ThreadInfo | undefined {
    return this.threads.get(id)?.info;
  }

  private update(id: string, patch: Partial<ThreadInfo>): void {
    const entry = this.threads.get(id);
    if (entry) entry.info = { ...entry.info, ...patch };
  }

  private later(work: () => void): void {
    this.scheduler.schedule(work, 0);
  }
}

/** A thrown `{ code, message, data }` (or anything else: -32603) as a JSON-RPC error. */
function wireError(e: unknown): DeliveredError {
  const err = e as { code?: unknown; message?: unknown; data?: unknown } | undefined;
  const code = typeof err?.code === 'number' ? err.code : -32603;
  const message = typeof err?.message === 'string' ? err.message : String(e);
  return err?.data === undefined ? { code, message } : { code, message, data: err.data };
}

function firstText(input: unknown): string | undefined {
  if (!Array.isArray(input)) return undefined;
  const texts = input.filter((i): i is { type: 'text'; text: string } => i?.type === 'text' && typeof i.text === 'string').map((i) => i.text);
  return texts.length > 0 ? texts.join('\n') : undefined;
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
