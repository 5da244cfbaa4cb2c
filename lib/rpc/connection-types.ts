import type { SchedulerLike } from 'rxjs';
import type { ValidationIssue } from '../errors.js';
import type { MessageIds } from '../protocol/ids.js';
import type { InitializeCapabilities } from '../protocol/generated/InitializeCapabilities.js';
import type { InitializeResponse } from '../protocol/generated/InitializeResponse.js';
import type { Transport } from '../transport/transport.js';
import type { RequestId, WireNotification, WireRequest } from './message.js';

// The Connection's contract: what callers pass in and get out. Kept apart from the class so the
// parts it is built from (handshake, pending requests, server-request answers) can use these
// types without importing the class that imports them.

/** A message routed to a turn: a notification, or a server request (it has an `id`). */
export type RoutedMessage = WireNotification | WireRequest;

/** Answers a server request: a value, a Promise or an Observable (its first value is the result). */
export type WireRequestHandler = (request: WireRequest, ids: MessageIds) => unknown;

/** Something the peer did wrong that the connection survived. */
export interface ProtocolWarning {
  readonly kind: 'malformed-line' | 'invalid-message' | 'unknown-response' | 'handler-error' | 'unanswerable' | 'schema-drift' | 'overloaded' | 'teardown-failed' | 'unknown-method';
  readonly message: string;
  readonly detail?: unknown;
}

/** Who we are, what we opt into, and the bounds. */
export interface ConnectionOptions {
  readonly clientInfo: { name: string; title: string | null; version: string };
  /** Merged over `{ experimentalApi: true, requestAttestation: false }`. */
  readonly capabilities?: Partial<InitializeCapabilities>;
  /** Deadline for each request's answer (turns are not requests); default 300 000 ms; 0 = none. */
  readonly requestTimeoutMs?: number;
  /** Runs the connection's delays (request deadlines, reconnect backoff); default: the host's setTimeout. */
  readonly scheduler?: SchedulerLike;
  /** Messages held per thread while a turn/start awaits its answer (default 10 000). */
  readonly maxBufferedPerThread?: number;
  /** Answers server→client requests; without one they get a JSON-RPC "method not found" error. */
  readonly serverRequestHandler?: WireRequestHandler;
  /**
   * Checks params before they are sent; issues fail the request with ValidationError.
   * `'after-handshake'` (a method only the server's version can decide) asks again once connected.
   * A Promise (validators still loading) holds the request, and those subscribed after it, until
   * it settles; a rejection fails the request with it (a CodexError) and nothing is sent.
   */
  readonly validateParams?: (method: string, params: unknown, context: ParamsCheckContext) => ParamsVerdict | PromiseLike<ParamsVerdict>;
  /** Checks what the server sends (debugging drift); issues become `schema-drift` warnings, never errors (a Promise: when it settles). */
  readonly validateInbound?: (
    kind: 'notification' | 'request',
    method: string,
    params: unknown,
  ) => readonly ValidationIssue[] | undefined | PromiseLike<readonly ValidationIssue[] | undefined>;
  /** Vets the `initialize` answer (e.g. the server's version); throwing closes the connection. */
  readonly checkInitialize?: (response: InitializeResponse) => void;
  /**
   * Server requests whose handler has not answered yet, at most (default 1 000). One more is
   * answered at once with JSON-RPC error -32001 and reported as an `overloaded` warning.
   */
  readonly maxPendingServerRequests?: number;
  /** Masks secrets in every text the connection reports: warnings and errors built from the server's answers. */
  readonly redact?: (text: string) => string;
  /** Reopen after a drop on the next call instead of staying closed (see {@link ReconnectOptions}). */
  readonly reconnect?: ReconnectOptions;
}

/** What a params check answers: the issues (none: undefined or []), or `'after-handshake'` to be asked again once connected. */
export type ParamsVerdict = readonly ValidationIssue[] | undefined | 'after-handshake';

/** What a params check may know: the server (once connected) and a way to warn on `warnings$`. */
export interface ParamsCheckContext {
  readonly server: InitializeResponse | undefined;
  warn(kind: 'unknown-method', message: string, detail?: unknown): void;
}

/** Per-request options of {@link Connection.request}. */
export interface RequestOptions {
  /** Deadline for the answer in ms (default: the connection's `requestTimeoutMs`); 0 = none. */
  readonly timeoutMs?: number;
  /** Called with the JSON-RPC id once the request is written (streams that the server correlates by it). */
  readonly onSent?: (id: RequestId) => void;
}

/**
 * Reopening a dropped connection on the next call (remote transports). Each attempt gets a new
 * transport and handshake; attempts after a failure wait a backoff with jitter.
 */
export interface ReconnectOptions {
  /** A fresh transport for each attempt (e.g. a new WebSocket with a freshly minted token). */
  readonly newTransport: () => Transport;
  /** Wait before the first retry after a failed attempt (default 250 ms), doubling up to `maxDelayMs` (default 10 000). */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Source of randomness in [0, 1) for the jitter (default Math.random). */
  readonly random?: () => number;
}

/** connecting → ready → closed (or idle before the first use). */
export type ConnectionState = 'idle' | 'connecting' | 'ready' | 'closed';
