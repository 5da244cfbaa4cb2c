import type { Observable } from 'rxjs';
import type { RequestId } from '../protocol/generated/RequestId.js';
import type { ServerRequestMessage, ServerRequestMethod, ServerRequestResult, ServerRequestResultMap } from '../protocol/methods.js';

// The types of answering server requests, shared by the router (lib/approvals/approval-router.ts,
// loaded with the page) and the answering itself (lib/approvals/answering.ts, loaded with the
// first server request).

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
