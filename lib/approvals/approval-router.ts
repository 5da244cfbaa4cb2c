import { catchError, defaultIfEmpty, defer, finalize, from, Observable, of, Subject, switchMap, take, timeout, type Subscriber } from 'rxjs';
import { CodexError, ValidationError } from '../errors.js';
import type { RequestId } from '../protocol/generated/RequestId.js';
import type { ServerRequestMessage, ServerRequestMethod, ServerRequestResult, ServerRequestResultMap } from '../protocol/methods.js';
import type { MessageIds } from '../protocol/ids.js';
import type { WireRequest } from '../rpc/message.js';
import { safeAnswer } from './safe-answers.js';
import { isAsyncAnswer } from '../rpc/async-answer.js';
import { ClientValidators, type AnswerCheck } from '../validation/lazy-validators.js';

/** The thread and turn a server request belongs to, and whether it still needs an answer. */
export interface ServerRequestContext {
  readonly threadId?: string;
  readonly turnId?: string;
  /**
   * Aborted once the request needs no answer from you any more: it was answered (by anyone),
   * timed out (`approvalTimeoutMs`) or the connection closed. Close your dialog on `abort`.
   */
  readonly signal: AbortSignal;
}

/** Any result of any server request (the union of the typed results). */
export type ServerRequestAnswer = ServerRequestResult<ServerRequestMethod>;

/**
 * What a handler returns: the result itself, a Promise or an Observable of it (the first value
 * counts), or `undefined` — at once, or as the Promise's / Observable's outcome — to leave the
 * request to the next level.
 */
export type ApprovalHandlerResult<R = ServerRequestAnswer> = R | PromiseLike<R | undefined | void> | Observable<R | undefined> | undefined | void;

/**
 * Answers server requests: approvals, questions, elicitations and dynamic tool calls. Narrow on
 * `request.method` to get typed `params`; return the result, or `undefined` to leave the request
 * to the next level (turn → thread → client → `pendingServerRequests$` → safe default). A
 * handler that throws, errors or answers something malformed gets the safe default sent instead,
 * reported on `approvalFailures$`. For one function per method with typed results, see
 * `handleRequests`.
 */
export type ServerRequestHandler = (request: ServerRequestMessage, context: ServerRequestContext) => ApprovalHandlerResult;

/** @deprecated Renamed `ServerRequestHandler`: it answers every server request, tool calls included. */
export type ApprovalHandler = ServerRequestHandler;

/** Where an options object may name its handler: `serverRequestHandler`, or the deprecated `approvalHandler`. */
export interface HandlerOptions {
  readonly serverRequestHandler?: unknown;
  readonly approvalHandler?: unknown;
}

/**
 * The handler an options object names (`serverRequestHandler`, or its deprecated alias
 * `approvalHandler`; not both), checked: a ValidationError of `subject` otherwise.
 */
export function handlerOption(options: HandlerOptions | undefined, subject: string): ServerRequestHandler | undefined {
  const handler = options?.serverRequestHandler;
  const deprecated = options?.approvalHandler;
  if (handler !== undefined && deprecated !== undefined) {
    throw new ValidationError(subject, [{ path: 'approvalHandler', message: 'is the deprecated name of serverRequestHandler: pass one of them' }]);
  }
  return handler !== undefined ? requireHandler(handler, subject, 'serverRequestHandler') : requireHandler(deprecated, subject, 'approvalHandler', true);
}

// Lookups by method through mapped types (not conditional types), so that
// PendingServerRequest<'x'> is assignable to PendingServerRequest and `is()` narrows.
type RequestByMethod = { [K in ServerRequestMethod]: ServerRequestMessage<K> };

/**
 * A server request waiting for an answer from outside (e.g. a dialog). Narrow it with `is()`
 * to get typed `params` and `respond()`.
 */
export interface PendingServerRequest<M extends ServerRequestMethod = ServerRequestMethod> extends ServerRequestContext {
  /** The JSON-RPC id the server gave the request. */
  readonly id: RequestId;
  readonly method: M;
  readonly params: RequestByMethod[M]['params'];
  /** The request as it arrived (a discriminated union on `method`). */
  readonly request: RequestByMethod[M];
  /** True once answered (by you, a timeout or the connection closing). */
  readonly answered: boolean;
  /**
   * Answers the request. The first answer wins: answering again throws, and so does answering a
   * request that was resolved otherwise (timed out, connection closed). A malformed answer
   * throws ValidationError and leaves the request waiting.
   */
  respond(result: ServerRequestResultMap[M]): void;
  /** Narrows the request by method. */
  is<K extends ServerRequestMethod>(method: K): this is PendingServerRequest<K>;
}

/** Why a handler's answer was replaced by the safe default. */
export type ApprovalFailureKind = 'handler-error' | 'invalid-answer' | 'timeout';

/** Something went wrong answering a server request; the safe default was sent instead. */
export interface ApprovalFailure {
  readonly kind: ApprovalFailureKind;
  readonly request: ServerRequestMessage;
  readonly threadId?: string;
  readonly turnId?: string;
  readonly error: unknown;
}

/** Marks "the handler failed" between operators (a handler may legitimately answer anything else). */
const FAILED: unique symbol = Symbol('failed');

/**
 * Picks who answers each server request, and makes sure the answer is safe when nobody does.
 *
 * Levels, first claim wins: the turn's handler; the handler of a turn being started on that
 * thread (its id is not known yet); the thread's; the client's; `pending$` when observed; else
 * the safe default (`safeAnswer`: decline / grant nothing / JSON-RPC -32601).
 */
export class ApprovalRouter {
  /**
   * Requests no handler claimed, for UIs that answer from a dialog. While observed, such
   * requests wait here until answered (or `approvalTimeoutMs`, or the connection closes).
   * Subscribing first delivers the requests already waiting.
   */
  readonly pending$: Observable<PendingServerRequest>;
  /** Handler failures, malformed answers and timeouts (the safe default was sent). */
  readonly failures$: Observable<ApprovalFailure>;

  private readonly failures = new Subject<ApprovalFailure>();
  private readonly observers = new Set<Subscriber<PendingServerRequest>>();
  private readonly waiting = new Set<PendingServerRequest>();
  // Several per key: two Thread objects of one thread id (resume of a loaded thread), or two
  // turn/start the server answered with one turn id, each register their own.
  private readonly byThread = new Map<string, ApprovalHandler[]>();
  private readonly byTurn = new Map<string, ApprovalHandler[]>();
  private readonly startingTurn = new Map<string, ApprovalHandler[]>();
  // Loaded with the first server request (a chunk of its own in a browser: not in the first load).
  private answerCheck?: AnswerCheck;

  constructor(
    private readonly clientHandler: ApprovalHandler | undefined,
    private readonly timeoutMs: number | undefined,
    private readonly validators: ClientValidators = new ClientValidators(),
  ) {
    requireHandler(clientHandler, 'approvalHandler', 'approvalHandler', true);
    if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs >= 0)) {
      throw new ValidationError('approvalTimeoutMs', [{ path: 'approvalTimeoutMs', message: 'must be a finite number of milliseconds >= 0 (0 = wait)' }]);
    }
    this.failures$ = this.failures.asObservable();
    this.pending$ = new Observable<PendingServerRequest>((subscriber) => {
      this.observers.add(subscriber);
      for (const entry of [...this.waiting]) {
        if (subscriber.closed) break;
        if (!entry.answered) subscriber.next(entry);
      }
      return () => this.observers.delete(subscriber);
    });
  }

  /** Narrows a handler to a thread; returns the undo. */
  forThread(threadId: string, handler: ApprovalHandler): () => void {
    return register(this.byThread, threadId, requireHandler(handler, 'approvalHandler'));
  }

  /** Narrows a handler to a turn; returns the undo. */
  forTurn(turnId: string, handler: ApprovalHandler): () => void {
    return register(this.byTurn, turnId, requireHandler(handler, 'approvalHandler'));
  }

  /**
   * A turn of `threadId` is starting (id unknown): its handler answers that thread's requests of
   * turns that have no handler of their own, until the undo — call it once the id is known.
   */
  forStartingTurn(threadId: string, handler: ApprovalHandler): () => void {
    return register(this.startingTurn, threadId, requireHandler(handler, 'approvalHandler'));
  }

  /** Handler for the connection: always yields exactly one answer, or a JSON-RPC error (-32601). */
  readonly handle = (wire: WireRequest, ids: MessageIds): Observable<unknown> =>
    defer(() =>
      this.validators.withAnswerCheck((check) => {
        this.answerCheck = check;
        const request = wire as ServerRequestMessage;
        const controller = new AbortController();
        const context: ServerRequestContext = { threadId: ids.threadId, turnId: ids.turnId, signal: controller.signal };
        let answer$ = this.ask(request, context, this.handlersFor(context), 0);
        const ms = this.timeoutMs;
        if (ms) {
          answer$ = answer$.pipe(
            timeout({
              first: ms,
              with: () => {
                this.report('timeout', request, context, new CodexError(`no answer to ${request.method} (request ${JSON.stringify(request.id)}) within ${ms} ms; sent the safe default`));
                return this.safe(request);
              },
            }),
          );
        }
        return answer$.pipe(
          take(1),
          finalize(() => controller.abort()),
        );
      }),
    );

  /** The handlers that may claim a request, most specific first, each once. */
  private handlersFor({ threadId, turnId }: ServerRequestContext): ApprovalHandler[] {
    const list: ApprovalHandler[] = [];
    const add = (h: ApprovalHandler | undefined) => {
      if (h && !list.includes(h)) list.push(h);
    };
    const turnHandlers = turnId === undefined ? undefined : this.byTurn.get(turnId);
    const addAll = (hs: readonly ApprovalHandler[] | undefined) => {
      if (hs) for (let i = hs.length - 1; i >= 0; i--) add(hs[i]); // the newest first
    };
    addAll(turnHandlers);
    if (turnId !== undefined && threadId !== undefined && !turnHandlers) addAll(this.startingTurn.get(threadId));
    if (threadId !== undefined) addAll(this.byThread.get(threadId));
    add(this.clientHandler);
    return list;
  }

  /** Asks handler `i` and, when it passes (`undefined`), the next ones; then `pending$`; then the safe default. */
  private ask(request: ServerRequestMessage, context: ServerRequestContext, handlers: readonly ApprovalHandler[], i: number): Observable<unknown> {
    for (; i < handlers.length; i++) {
      let out: unknown;
      try {
        out = handlers[i]!(request, context);
      } catch (error) {
        this.report('handler-error', request, context, error);
        return this.safe(request);
      }
      if (out === undefined) continue;
      if (!isAsyncAnswer(out)) return this.checked(request, context, out);
      const next = i + 1;
      return from(out).pipe(
        take(1),
        defaultIfEmpty(undefined),
        catchError((error: unknown) => {
          this.report('handler-error', request, context, error);
          return of(FAILED);
        }),
        switchMap((result) =>
          result === FAILED ? this.safe(request) : result === undefined ? this.ask(request, context, handlers, next) : this.checked(request, context, result),
        ),
      );
    }
    return this.observers.size > 0 ? this.waitOutside(request, context) : this.safe(request);
  }

  private checked(request: ServerRequestMessage, context: ServerRequestContext, result: unknown): Observable<unknown> {
    const invalid = this.answerError(request, result);
    if (!invalid) return of(result);
    this.report('invalid-answer', request, context, invalid);
    return this.safe(request);
  }

  /** The safe default; errors with MethodNotFoundError where none exists (→ JSON-RPC -32601). */
  private safe(request: ServerRequestMessage): Observable<unknown> {
    return defer(() => of(safeAnswer(request.method)));
  }

  /** Why `result` may not be sent as the answer to `request`, or undefined when it may. */
  private answerError(request: ServerRequestMessage, result: unknown): ValidationError | undefined {
    const issues = this.answerCheck!(request.method, result);
    return issues.length === 0 ? undefined : new ValidationError(`answer to ${request.method}`, issues);
  }

  private report(kind: ApprovalFailureKind, request: ServerRequestMessage, context: ServerRequestContext, error: unknown): void {
    this.failures.next({ kind, request, threadId: context.threadId, turnId: context.turnId, error });
  }

  /** Hands the request to `pending$` observers; emits the first `respond()`. */
  private waitOutside(request: ServerRequestMessage, context: ServerRequestContext): Observable<unknown> {
    return new Observable<unknown>((subscriber) => {
      let state: 'waiting' | 'answered' | 'gone' = 'waiting';
      const what = `${request.method} request ${JSON.stringify(request.id)}`;
      const entry: PendingServerRequest = {
        id: request.id,
        method: request.method,
        params: request.params,
        request,
        threadId: context.threadId,
        turnId: context.turnId,
        signal: context.signal,
        get answered() {
          return state !== 'waiting';
        },
        respond: (result: unknown) => {
          if (state === 'answered') throw new CodexError(`${what} was already answered`);
          if (state === 'gone') throw new CodexError(`${what} is no longer pending (it timed out or the connection closed)`);
          const invalid = this.answerError(request, result);
          if (invalid) throw invalid;
          state = 'answered';
          this.waiting.delete(entry);
          subscriber.next(result);
          subscriber.complete();
        },
        is: ((method: ServerRequestMethod) => request.method === method) as PendingServerRequest['is'],
      };
      this.waiting.add(entry);
      // Every current observer sees the request, even when an earlier one answered it at once.
      for (const observer of [...this.observers]) observer.next(entry);
      return () => {
        if (state === 'waiting') state = 'gone';
        this.waiting.delete(entry);
      };
    });
  }
}


/** Adds a handler under a key (it is asked before the ones already there); the undo removes exactly it, once. */
function register(map: Map<string, ApprovalHandler[]>, key: string, handler: ApprovalHandler): () => void {
  const list = map.get(key) ?? [];
  list.push(handler);
  map.set(key, list);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const current = map.get(key);
    const i = current ? current.lastIndexOf(handler) : -1;
    if (i < 0) return;
    current!.splice(i, 1);
    if (current!.length === 0) map.delete(key);
  };
}

/**
 * The one check of a server-request handler option: a function (or, when optional, undefined);
 * else a ValidationError of `subject` (e.g. 'turn options') at `path`.
 */
export function requireHandler(handler: unknown, subject: string, path?: string): ApprovalHandler;
export function requireHandler(handler: unknown, subject: string, path: string, optional: true): ApprovalHandler | undefined;
export function requireHandler(handler: unknown, subject: string, path = subject, optional = false): ApprovalHandler | undefined {
  if ((handler === undefined && optional) || typeof handler === 'function') return handler as ApprovalHandler | undefined;
  throw new ValidationError(subject, [{ path, message: 'must be a function' }]);
}
