import { defer, from, Observable, of, Subscription, switchMap, take, type ObservableInput, type SchedulerLike, type Subscriber } from 'rxjs';
import { CodexError, ValidationError } from '../errors.js';
import type { MessageIds } from '../protocol/ids.js';
import type { ServerRequestMessage, ServerRequestMethod } from '../protocol/methods.js';
import { answerIssues } from './answer-check.js';
import type { ApprovalFailureKind, ApprovalHandler, PendingServerRequest, ServerRequestContext } from './server-request-types.js';

// Why this file: asking the handlers, checking their answers and waiting for a dialog run only
// once the server asks something. A browser loads this (with the answer checks it needs) on the
// first server request; the router that registers the handlers loads with the page. It uses only
// the rxjs operators the page has loaded anyway (bundlers put every rxjs operator used anywhere
// into the first load): hence firstOf and firstAnswer below rather than race/timeout/catchError.

/** What answering needs from the router (lib/approvals/approval-router.ts). */
export interface AnsweringHost {
  readonly timeoutMs: number | undefined;
  /** Runs the timeout (default: the host's setTimeout). */
  readonly scheduler?: SchedulerLike;
  /** The handlers that may claim a request, most specific first, each once. */
  handlersFor(context: ServerRequestContext): ApprovalHandler[];
  /** Observers of `pending$` (requests no handler claimed go to them). */
  readonly observers: ReadonlySet<Subscriber<PendingServerRequest>>;
  /** Requests waiting for an answer from outside. */
  readonly waiting: Set<PendingServerRequest>;
  report(kind: ApprovalFailureKind, request: ServerRequestMessage, context: ServerRequestContext, error: unknown): void;
  /**
   * What answering shares with the page, handed over rather than imported (so that a bundler
   * does not split it into a chunk of its own): the safe defaults, the asynchronous-answer test, the delay.
   */
  readonly shared: AnsweringShared;
}

/** The page's modules answering uses: lib/approvals/safe-answers.ts, lib/rpc/async-answer.ts, lib/rpc/wait.ts. */
export interface AnsweringShared {
  /** The safe default of a request; throws MethodNotFoundError where none exists. */
  safeAnswer(method: string): unknown;
  /** The legacy server request the schema no longer has. */
  readonly LEGACY_CURRENT_TIME: string;
  /** Whether a handler's answer is a Promise or an Observable. */
  isAsyncAnswer(value: unknown): value is ObservableInput<unknown>;
  /** A delay on the host's setTimeout, or on `scheduler` (lib/rpc/wait.ts). */
  wait(ms: number, scheduler?: SchedulerLike): Observable<void>;
}

/**
 * Exactly one answer to `request`: the first handler that claims it, else a `pending$` observer's,
 * else the safe default (also on a handler's failure, a malformed answer or the timeout); or an
 * error (MethodNotFoundError → JSON-RPC -32601) where no safe default exists.
 */
export function answerServerRequest(host: AnsweringHost, request: ServerRequestMessage, ids: MessageIds): Observable<unknown> {
  return new Observable<unknown>((subscriber) => {
    const controller = new AbortController();
    const context: ServerRequestContext = { threadId: ids.threadId, turnId: ids.turnId, signal: controller.signal };
    let answer$ = ask(host, request, context, host.handlersFor(context), 0);
    const ms = host.timeoutMs;
    if (ms) {
      const late = host.shared.wait(ms, host.scheduler).pipe(
        switchMap(() => {
          host.report('timeout', request, context, new CodexError(`no answer to ${request.method} (request ${JSON.stringify(request.id)}) within ${ms} ms; sent the safe default`));
          return safe(host, request);
        }),
      );
      answer$ = firstOf(answer$, late);
    }
    const subscription = answer$.pipe(take(1)).subscribe(subscriber);
    return () => {
      subscription.unsubscribe();
      controller.abort(); // answered, timed out, failed or no longer wanted
    };
  });
}

/** Whichever of two sources speaks first (both are subscribed; the subscriber takes one answer). */
function firstOf<T>(a: Observable<T>, b: Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const both = new Subscription();
    both.add(a.subscribe(subscriber));
    if (!subscriber.closed) both.add(b.subscribe(subscriber));
    return both;
  });
}

/** A handler's asynchronous answer: its first value (undefined when it ends without one), or its failure. */
function firstAnswer(out: ObservableInput<unknown>): Observable<{ readonly value: unknown } | { readonly error: unknown }> {
  return new Observable((subscriber) => {
    let answered = false;
    return from(out)
      .pipe(take(1))
      .subscribe({
        next: (value) => {
          answered = true;
          subscriber.next({ value });
        },
        error: (error: unknown) => {
          subscriber.next({ error });
          subscriber.complete();
        },
        complete: () => {
          if (!answered) subscriber.next({ value: undefined });
          subscriber.complete();
        },
      });
  });
}

/** Asks handler `i` and, when it passes (`undefined`), the next ones; then `pending$`; then the safe default. */
function ask(host: AnsweringHost, request: ServerRequestMessage, context: ServerRequestContext, handlers: readonly ApprovalHandler[], i: number): Observable<unknown> {
  for (; i < handlers.length; i++) {
    let out: unknown;
    try {
      out = handlers[i]!(request, context);
    } catch (error) {
      host.report('handler-error', request, context, error);
      return safe(host, request);
    }
    if (out === undefined) continue;
    if (!host.shared.isAsyncAnswer(out)) return checked(host, request, context, out);
    const next = i + 1;
    return firstAnswer(out).pipe(
      switchMap((outcome) => {
        if ('error' in outcome) {
          host.report('handler-error', request, context, outcome.error);
          return safe(host, request);
        }
        return outcome.value === undefined ? ask(host, request, context, handlers, next) : checked(host, request, context, outcome.value);
      }),
    );
  }
  return host.observers.size > 0 ? waitOutside(host, request, context) : safe(host, request);
}

function checked(host: AnsweringHost, request: ServerRequestMessage, context: ServerRequestContext, result: unknown): Observable<unknown> {
  const invalid = answerError(host, request, result);
  if (!invalid) return of(result);
  host.report('invalid-answer', request, context, invalid);
  return safe(host, request);
}

/** The safe default; errors with MethodNotFoundError where none exists (→ JSON-RPC -32601). */
function safe(host: AnsweringHost, request: ServerRequestMessage): Observable<unknown> {
  return defer(() => of(host.shared.safeAnswer(request.method)));
}

/** Why `result` may not be sent as the answer to `request`, or undefined when it may. */
function answerError(host: AnsweringHost, request: ServerRequestMessage, result: unknown): ValidationError | undefined {
  const issues = answerIssues(request.method, result, host.shared.LEGACY_CURRENT_TIME);
  return issues.length === 0 ? undefined : new ValidationError(`answer to ${request.method}`, issues);
}

/** Hands the request to `pending$` observers; emits the first `respond()`. */
function waitOutside(host: AnsweringHost, request: ServerRequestMessage, context: ServerRequestContext): Observable<unknown> {
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
        const invalid = answerError(host, request, result);
        if (invalid) throw invalid;
        state = 'answered';
        host.waiting.delete(entry);
        subscriber.next(result);
        subscriber.complete();
      },
      is: ((method: ServerRequestMethod) => request.method === method) as PendingServerRequest['is'],
    };
    host.waiting.add(entry);
    // Every current observer sees the request, even when an earlier one answered it at once.
    for (const observer of [...host.observers]) observer.next(entry);
    return () => {
      if (state === 'waiting') state = 'gone';
      host.waiting.delete(entry);
    };
  });
}
