import { catchError, defaultIfEmpty, defer, from, isObservable, map, Observable, of, Subject, take, timeout, type ObservableInput } from 'rxjs';
import { CodexError } from '../errors.js';
import type { ServerRequestMessage } from '../protocol/methods.js';
import type { MessageIds } from '../protocol/ids.js';
import type { WireRequest } from '../rpc/message.js';
import { safeAnswer } from './safe-answers.js';

/** The thread and turn a server request belongs to. */
export interface ServerRequestContext {
  readonly threadId?: string;
  readonly turnId?: string;
}

/**
 * Answers server requests (approvals, questions, tool calls). Return the result — a value, a
 * Promise or an Observable — or `undefined` to leave the request to the next level
 * (turn → thread → client → pending-request stream → safe default).
 */
export type ApprovalHandler = (request: ServerRequestMessage, context: ServerRequestContext) => unknown;

/** A server request waiting for an answer from outside (e.g. a dialog). */
export interface PendingServerRequest extends ServerRequestContext {
  readonly request: ServerRequestMessage;
  /** True once answered (by you, a timeout or the connection closing). */
  readonly answered: boolean;
  /** Answers the request; the first answer wins, a second throws. */
  respond(result: unknown): void;
}

/** Something went wrong answering a server request; the safe default was sent instead. */
export interface ApprovalFailure {
  readonly request: ServerRequestMessage;
  readonly error: unknown;
}

/** Picks who answers each server request, and makes sure the answer is safe when nobody does. */
export class ApprovalRouter {
  /** Requests no handler claimed, for UIs that answer from a dialog. Observed = requests wait here. */
  readonly pending$: Observable<PendingServerRequest>;
  /** Handler failures and timeouts (the safe default was sent). */
  readonly failures$: Observable<ApprovalFailure>;

  private readonly pending = new Subject<PendingServerRequest>();
  private readonly failures = new Subject<ApprovalFailure>();
  private readonly byThread = new Map<string, ApprovalHandler>();
  private readonly byTurn = new Map<string, ApprovalHandler>();
  private readonly startingTurn = new Map<string, ApprovalHandler>();

  constructor(
    private readonly clientHandler: ApprovalHandler | undefined,
    private readonly timeoutMs: number | undefined,
  ) {
    this.pending$ = this.pending.asObservable();
    this.failures$ = this.failures.asObservable();
  }

  /** Narrows a handler to a thread; returns the undo. */
  forThread(threadId: string, handler: ApprovalHandler): () => void {
    return register(this.byThread, threadId, handler);
  }

  /** Narrows a handler to a turn; returns the undo. */
  forTurn(turnId: string, handler: ApprovalHandler): () => void {
    return register(this.byTurn, turnId, handler);
  }

  /** A turn of `threadId` is starting (id unknown): its handler answers that thread's unknown turns. */
  forStartingTurn(threadId: string, handler: ApprovalHandler): () => void {
    return register(this.startingTurn, threadId, handler);
  }

  /** Handler for the connection: always yields exactly one answer (or a JSON-RPC error). */
  readonly handle = (wire: WireRequest, ids: MessageIds): Observable<unknown> => {
    const request = wire as ServerRequestMessage;
    const context: ServerRequestContext = { threadId: ids.threadId, turnId: ids.turnId };
    return defer(() => {
      const source = this.claim(request, context);
      if (!source) return of(safeAnswer(request.method));
      const answered$ = source.pipe(take(1), defaultIfEmpty(undefined), catchErrorToSafe(request, this.failures));
      if (this.timeoutMs === undefined) return answered$;
      return answered$.pipe(
        timeout({
          first: this.timeoutMs,
          with: () => {
            this.failures.next({ request, error: new CodexError(`no answer to ${request.method} within ${this.timeoutMs} ms; sent the safe default`) });
            return of(safeAnswer(request.method));
          },
        }),
      );
    }).pipe(
      take(1),
      // `undefined` (an empty Promise or Observable) means nobody decided: answer safely.
      map((result) => (result === undefined ? safeAnswer(request.method) : result)),
    );
  };

  private claim(request: ServerRequestMessage, context: ServerRequestContext): Observable<unknown> | undefined {
    const handlers = [
      context.turnId !== undefined ? this.byTurn.get(context.turnId) : undefined,
      context.turnId !== undefined && context.threadId !== undefined && !this.byTurn.has(context.turnId) ? this.startingTurn.get(context.threadId) : undefined,
      context.threadId !== undefined ? this.byThread.get(context.threadId) : undefined,
      this.clientHandler,
    ];
    for (const handler of handlers) {
      if (!handler) continue;
      let out: unknown;
      try {
        out = handler(request, context);
      } catch (error) {
        this.failures.next({ request, error });
        return of(safeAnswer(request.method));
      }
      if (out === undefined) continue;
      return isObservable(out) || isPromiseLike(out) ? from(out as ObservableInput<unknown>) : of(out);
    }
    if (this.pending.observed) return this.waitOutside(request, context);
    return undefined;
  }

  private waitOutside(request: ServerRequestMessage, context: ServerRequestContext): Observable<unknown> {
    return new Observable<unknown>((subscriber) => {
      let answered = false;
      const entry: PendingServerRequest = {
        request,
        ...context,
        get answered() {
          return answered || subscriber.closed;
        },
        respond: (result: unknown) => {
          if (answered || subscriber.closed) throw new CodexError(`${request.method} request ${JSON.stringify(request.id)} was already answered`);
          answered = true;
          subscriber.next(result);
          subscriber.complete();
        },
      };
      this.pending.next(entry);
    });
  }
}

function register(map: Map<string, ApprovalHandler>, key: string, handler: ApprovalHandler): () => void {
  map.set(key, handler);
  return () => {
    if (map.get(key) === handler) map.delete(key);
  };
}

function catchErrorToSafe(request: ServerRequestMessage, failures: Subject<ApprovalFailure>) {
  return catchError((error: unknown) => {
    failures.next({ request, error });
    return of(safeAnswer(request.method));
  });
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as PromiseLike<unknown>).then === 'function';
}
