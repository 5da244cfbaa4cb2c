import { defer, Observable, of, Subject, type SchedulerLike, type Subscriber } from 'rxjs';
import { ValidationError } from '../errors.js';
import type { MessageIds } from '../protocol/ids.js';
import type { ServerRequestMessage } from '../protocol/methods.js';
import type { WireRequest } from '../rpc/message.js';
import { ClientValidators } from '../validation/lazy-validators.js';
import type { AnsweringHost, AnsweringShared } from './answering.js';
import { isAsyncAnswer } from '../rpc/async-answer.js';
import { wait } from '../rpc/wait.js';
import { LEGACY_CURRENT_TIME, safeAnswer } from './safe-answers.js';
import type { ApprovalFailure, ApprovalFailureKind, ApprovalHandler, PendingServerRequest, ServerRequestContext, ServerRequestHandler } from './server-request-types.js';

export type {
  ApprovalFailure,
  ApprovalFailureKind,
  ApprovalHandler,
  ApprovalHandlerResult,
  PendingServerRequest,
  ServerRequestAnswer,
  ServerRequestContext,
  ServerRequestHandler,
} from './server-request-types.js';

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

/**
 * Picks who answers each server request, and makes sure the answer is safe when nobody does.
 *
 * Levels, first claim wins: the turn's handler; the handler of a turn being started on that
 * thread (its id is not known yet); the thread's; the client's; `pending$` when observed; else
 * the safe default (`safeAnswer`: decline / grant nothing / JSON-RPC -32601).
 */
export class ApprovalRouter implements AnsweringHost {
  /**
   * Requests no handler claimed, for UIs that answer from a dialog. While observed, such
   * requests wait here until answered (or `approvalTimeoutMs`, or the connection closes).
   * Subscribing first delivers the requests already waiting.
   */
  readonly pending$: Observable<PendingServerRequest>;
  /** Handler failures, malformed answers and timeouts (the safe default was sent). */
  readonly failures$: Observable<ApprovalFailure>;

  private readonly failures = new Subject<ApprovalFailure>();
  readonly observers = new Set<Subscriber<PendingServerRequest>>();
  readonly waiting = new Set<PendingServerRequest>();
  // Several per key: two Thread objects of one thread id (resume of a loaded thread), or two
  // turn/start the server answered with one turn id, each register their own.
  private readonly byThread = new Map<string, ApprovalHandler[]>();
  private readonly byTurn = new Map<string, ApprovalHandler[]>();
  private readonly startingTurn = new Map<string, ApprovalHandler[]>();
  /** What the answering chunk is handed from the page (see AnsweringHost.shared). */
  readonly shared: AnsweringShared = { safeAnswer, LEGACY_CURRENT_TIME, isAsyncAnswer, wait };

  constructor(
    private readonly clientHandler: ApprovalHandler | undefined,
    readonly timeoutMs: number | undefined,
    private readonly validators: ClientValidators = new ClientValidators(),
    /** Runs `timeoutMs` (default: the host's setTimeout). */
    readonly scheduler?: SchedulerLike,
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
  readonly handle = (wire: WireRequest, ids: MessageIds): Observable<unknown> => {
    const request = wire as ServerRequestMessage;
    return this.validators.withAnswering(
      (answer) => answer(this, request, ids),
      // The answering chunk did not load: nobody can be asked, and nothing unchecked is sent.
      (error) =>
        defer(() => {
          this.report('handler-error', request, { threadId: ids.threadId, turnId: ids.turnId, signal: AbortSignal.abort() }, error);
          return of(safeAnswer(request.method));
        }),
    );
  };

  /** The handlers that may claim a request, most specific first, each once. */
  handlersFor({ threadId, turnId }: ServerRequestContext): ApprovalHandler[] {
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

  report(kind: ApprovalFailureKind, request: ServerRequestMessage, context: ServerRequestContext, error: unknown): void {
    this.failures.next({ kind, request, threadId: context.threadId, turnId: context.turnId, error });
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
