import { BehaviorSubject, Observable, Subject, type MonoTypeOperatorFunction, type Subscriber, type Subscription } from 'rxjs';
import { wait } from './wait.js';
import { AuthenticationError, CodexError, TransportClosedError, type ValidationIssue } from '../errors.js';
import { isDeltaMethod } from '../protocol/delta.js';
import { notificationThreadId, notificationTurnId, serverRequestIds } from '../protocol/ids.js';
import type { InitializeResponse } from '../protocol/generated/InitializeResponse.js';
import type { ClientMethod, ParamsOf, ResultOf } from '../protocol/methods.js';
import { MalformedLine, type Transport } from '../transport/transport.js';
import { HotFanout } from './hot-fanout.js';
import { InboundSubscriber } from './inbound-subscriber.js';
import { Demultiplexer, DEFAULT_MAX_BUFFERED_PER_THREAD, type RouteSink, type TurnClaim } from './demultiplexer.js';
import { isPromiseLike } from './ordered-checks.js';
import { ParamsCheck } from './params-check.js';
import { describeError, redactValue } from './redaction.js';
import { classify, type RequestId, type WireError, type WireNotification, type WireRequest, type WireResponse } from './message.js';
import type { ConnectionOptions, ConnectionState, ParamsCheckContext, ProtocolWarning, RequestOptions, RoutedMessage } from './connection-types.js';
import { Handshake, type HandshakeHost } from './handshake.js';
import { Activity, type Release } from './activity.js';
import { PendingRequests } from './pending-requests.js';
import { ReconnectSchedule } from './reconnect-schedule.js';
import { ServerRequestAnswers } from './server-request-answers.js';
import { errorFromWire } from './wire-error.js';
import { codexState, type CodexState } from './link-state.js';
import { liveAcrossReconnects, type LiveHost } from './live-link.js';

export type { ConnectionOptions, ConnectionState, ParamsCheckContext, ParamsVerdict, ProtocolWarning, ReconnectOptions, RequestOptions, RoutedMessage, WireRequestHandler } from './connection-types.js';
export { DEFAULT_MAX_PENDING_SERVER_REQUESTS } from './server-request-answers.js';

/**
 * The JSON-RPC multiplexer: owns the transport and its life (connect, reconnect, close), the hot
 * notification stream and the dispatch of what arrives. Its parts live in files of their own: the
 * handshake (handshake.ts), ids and pending requests (pending-requests.ts), routing to turns
 * (demultiplexer.ts), answers to server requests (server-request-answers.ts), keep-alive
 * (activity.ts), reconnect timing (reconnect-schedule.ts).
 *
 * What a misbehaving app-server does to you (full table, with the tests that prove each row:
 * docs/reliability.md). Fatal faults fail *every* in-flight Observable (requests, turns,
 * `connect()`, `notifications$`) with the same typed error; survivable ones emit a
 * {@link ProtocolWarning} on `warnings$` and everything else keeps working.
 *
 * | the app-server…                                   | you see                                                             |
 * | ------------------------------------------------- | ------------------------------------------------------------------- |
 * | exits / is killed (mid-handshake, -request, -turn)| `TransportClosedError` (exitCode, signal, redacted stderrTail)      |
 * | writes a line longer than `maxLineBytes`          | `ProtocolError`; the process is killed                              |
 * | stops reading, > `maxPendingWriteBytes` queued    | `ProtocolError`; the process is killed                              |
 * | floods a turn before `turn/start` is answered     | that turn: `ProtocolError` (> `maxBufferedPerThread`); rest works   |
 * | writes a line that is not JSON                    | warning `malformed-line`                                            |
 * | writes JSON that is not JSON-RPC                  | warning `invalid-message`                                           |
 * | answers an id that is not pending (or twice)      | warning `unknown-response`                                          |
 * | sends a request whose id equals one of ours       | nothing: ids of each direction are separate; both are answered      |
 * | sends > `maxPendingServerRequests` unanswered     | that request is answered -32001; warning `overloaded`               |
 * | ends with a partial last line                     | the line is parsed (a message, or `malformed-line`), then the exit  |
 *
 * Process lifetime (Node): the transport keeps the host process alive only while something is
 * in flight — the handshake, a request, a server request being answered, a turn, a subscriber
 * of `notifications$`, or a source piped through {@link Connection.keepAlive}; each holds the
 * connection while it lives (see `Activity`). A client that is dropped idle without `close()`
 * lets the process exit (its child is then killed).
 */
export class Connection {
  /** Every server notification, hot: started by the connection, never by subscribers. */
  readonly notifications$: Observable<WireNotification>;
  /** Protocol problems the connection survived. */
  readonly warnings$: Observable<ProtocolWarning>;
  /**
   * `notifications$` for internal bookkeeping (e.g. caches): its subscribers do not keep the
   * host process alive.
   */
  readonly backgroundNotifications$: Observable<WireNotification>;

  // One of each per connection attempt (see reopen()).
  private notifications = new HotFanout<WireNotification>();
  private handshake = new Handshake();
  private readonly warnings = new Subject<ProtocolWarning>();
  private _generation = 1;
  /** Only with `reconnect`: when the next attempt may start. */
  private readonly schedule?: ReconnectSchedule;
  private startDelay?: Subscription;
  private readonly pending: PendingRequests;
  private readonly demux: Demultiplexer<RoutedMessage>;
  private readonly answers: ServerRequestAnswers;
  private readonly paramsCheck: ParamsCheck;
  private inbound?: Subscription;
  private closedError?: CodexError;
  private closing?: Promise<void>;
  /** close() was called (set before it tears down, so nothing on the way reads a drop). */
  private closedByClient = false;
  private _state: ConnectionState = 'idle';
  private readonly activity = new Activity(
    () => this._state,
    (alive) => this.transport.keepAlive?.(alive),
  );
  /** The routing table's hold: taken while any turn is routed or claimed. */
  private routing?: Release;
  /** Subscribers of {@link Connection.live} streams: with reconnect, they reopen a dropped connection. */
  private liveSubscribers = 0;
  /** The last reopening failed before any attempt (newTransport threw): retrying on its own would spin. */
  private reopenFailed = false;
  private readonly link = new BehaviorSubject<CodexState>('idle');
  /** The connection as a UI shows it (see CodexState): the current value on subscribe, then each change; never ends. */
  readonly state$: Observable<CodexState> = this.link.asObservable();
  private readonly redactText: (text: string) => string;

  constructor(
    private transport: Transport,
    private readonly options: ConnectionOptions,
  ) {
    this.backgroundNotifications$ = new Observable<WireNotification>((subscriber) => this.notifications.observable.subscribe(subscriber));
    this.notifications$ = new Observable<WireNotification>((subscriber) => {
      const release = this.activity.hold();
      const subscription = this.notifications.observable.subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        release();
      };
    });
    this.warnings$ = this.warnings.asObservable();
    this.redactText = options.redact ?? ((text) => text);
    this.demux = new Demultiplexer(options.maxBufferedPerThread ?? DEFAULT_MAX_BUFFERED_PER_THREAD);
    this.paramsCheck = new ParamsCheck(options.validateParams, this.createParamsContext(), () => this._state === 'ready');
    if (options.reconnect) this.schedule = new ReconnectSchedule(options.reconnect);
    const hold = () => this.activity.hold();
    this.pending = new PendingRequests(hold, options.scheduler);
    this.answers = new ServerRequestAnswers(
      { answer: (id, result, error) => this.answer(id, result, error), warn: (kind, message, detail) => this.warn(kind, message, detail), hold },
      options.serverRequestHandler,
      options.maxPendingServerRequests,
    );
  }

  /** Where the connection is: idle → connecting → ready → closed (idle again when it reopens). */
  get state(): ConnectionState {
    return this._state;
  }

  /** The `initialize` answer, once connected. */
  get metadata(): InitializeResponse | undefined {
    return this.handshake.response;
  }

  /** Live counters: they return to zero when nothing is in flight. */
  get stats() {
    return { pendingRequests: this.pending.size, pendingServerRequests: this.answers.size, ...this.demux.stats };
  }

  /** True while the connection keeps the host process alive (see the class doc). */
  get keepsProcessAlive(): boolean {
    return this.activity.keepsProcessAlive;
  }

  /** Keeps the host process alive while the piped source is subscribed (e.g. waiting on a login). */
  keepAlive<T>(): MonoTypeOperatorFunction<T> {
    return (source) =>
      new Observable<T>((subscriber) => {
        const release = this.activity.hold();
        const subscription = source.subscribe(subscriber);
        return () => {
          subscription.unsubscribe();
          release();
        };
      });
  }

  /** Starts the transport and the handshake once; emits the `InitializeResponse` to every caller. */
  connect(): Observable<InitializeResponse> {
    return new Observable<InitializeResponse>((subscriber) => {
      if (this.closedError && !this.reopen()) return subscriber.error(this.closedError); // never replay a dead connection's handshake
      this.start();
      return this.handshake.ready.subscribe(subscriber);
    });
  }

  /** Any method the generated protocol does not know (e.g. a newer server's): untyped. */
  request<M extends string>(method: M extends ClientMethod ? never : M, params?: unknown, options?: RequestOptions): Observable<unknown>;
  /** A request: cold, one id per subscription, sent after the handshake; its answer is the one value. */
  request<M extends ClientMethod>(method: M, params: ParamsOf<M>, options?: RequestOptions): Observable<ResultOf<M>>;
  request(method: string, params?: unknown, options: RequestOptions = {}): Observable<unknown> {
    return new Observable<unknown>((subscriber) => {
      let id: RequestId | undefined;
      let gate: Subscription | undefined;
      let cancelCheck: (() => void) | undefined;
      let cancelRecheck: (() => void) | undefined;
      const write = () => {
        id = this.send(method, params, subscriber, options.timeoutMs);
        if (id !== undefined) options.onSent?.(id);
      };
      const proceed = (checked: 'ok' | 'after-handshake') => {
        if (this.closedError && !this.reopen()) return subscriber.error(this.closedError);
        this.start();
        const send = () => (checked === 'after-handshake' ? (cancelRecheck = this.paramsCheck.run(method, params, subscriber, write, false)) : write());
        if (this._state === 'ready') send();
        else gate = this.handshake.ready.subscribe({ complete: send, error: (e) => subscriber.error(e) });
      };
      cancelCheck = this.paramsCheck.run(method, params, subscriber, proceed, true);
      return () => {
        cancelCheck?.();
        cancelRecheck?.();
        gate?.unsubscribe();
        if (id !== undefined) this.pending.forget(id);
      };
    });
  }

  private createParamsContext(): ParamsCheckContext {
    const connection = this; // eslint-disable-line @typescript-eslint/no-this-alias -- the getter needs the connection, not the context
    return {
      get server() {
        return connection.handshake.response;
      },
      warn: (kind, message, detail) => connection.warn(kind, message, detail),
    };
  }

  /** Sends a notification (fire and forget) after the handshake. */
  notify(method: string, params?: unknown): void {
    if (this._state !== 'ready') throw this.closedError ?? new CodexError(`cannot notify ${method} before the connection is ready`);
    this.transport.send(params === undefined ? { method } : { method, params });
  }

  /** Claims the next turn of a thread: its messages are held until `bind(turnId)`, then routed to `sink`. */
  claimTurn(threadId: string, sink: RouteSink<RoutedMessage>): TurnClaim {
    if (this.closedError && !this.reopen()) throw this.closedError;
    this.start();
    const claim = this.demux.claim(threadId, sink);
    this.holdWhileRouting();
    return {
      bind: (turnId) => {
        claim.bind(turnId);
        this.holdWhileRouting();
      },
      release: () => {
        claim.release();
        this.holdWhileRouting();
      },
    };
  }

  /** Calls `then` once no turn claim waits on the thread; false (no call) when none waits now. */
  afterTurnClaims(threadId: string, then: () => void): boolean {
    return this.demux.afterClaims(threadId, then);
  }

  /** Sends the deltas of a routed turn straight to `to` (its sole subscriber), or through `route` again (undefined). */
  routeDeltas(turnId: string, route: RouteSink<RoutedMessage>, to: { next(message: RoutedMessage): void } | undefined): void {
    this.demux.routeDeltas(turnId, route, to);
  }

  /**
   * Lets `sink` see every message of `turnId` (an attached turn), whoever routes it, until the
   * returned removal; it errors when the connection ends. Throws when the connection is closed.
   */
  watchTurn(turnId: string, sink: RouteSink<RoutedMessage>): () => void {
    if (this.closedError) throw this.closedError;
    const unwatch = this.demux.watch(turnId, sink);
    // Requests that arrived before anyone watched: their `serverRequest/resolved` must find the turn.
    for (const request of this.answers.pendingOf(turnId)) this.demux.noteRequest(String(request.id), turnId);
    return unwatch;
  }

  /** Server requests of `turnId` still awaiting an answer from this client's handlers (oldest first). */
  pendingServerRequests(turnId: string): WireRequest[] {
    return this.answers.pendingOf(turnId);
  }

  /** Stops routing a turn's messages. */
  releaseTurn(turnId: string, sink?: RouteSink<RoutedMessage>): void {
    this.demux.remove(turnId, sink);
    this.holdWhileRouting();
  }

  /** Closes: every in-flight Observable errors with TransportClosedError; the transport is ended. */
  close(): Promise<void> {
    if (!this.closing) {
      this.closedByClient = true;
      this.terminate(new TransportClosedError('the connection was closed'), true);
      this.startDelay?.unsubscribe();
      if (!this.warnings.isStopped) this.warnings.complete(); // also after a drop that kept it open for a reconnect
      this.closing = this.transport.close().finally(() => this.inbound?.unsubscribe());
      this.publishState();
    }
    return this.closing;
  }

  /**
   * Which connection attempt this is (1, then +1 for each reopening after a drop). Whatever was
   * opened on an earlier generation (a thread subscription) must be reopened on this one.
   */
  get generation(): number {
    return this._generation;
  }

  /** True when a dropped connection reopens on the next call (`reconnect` given, not closed by the client). */
  get reconnects(): boolean {
    return this.options.reconnect !== undefined && !this.closing;
  }

  /** After a drop, with reconnect on: a fresh transport, handshake state and hot streams. False if closed for good. */
  private reopen(): boolean {
    const reconnect = this.options.reconnect;
    if (!reconnect || this.closing || this._state !== 'closed') return false;
    let transport: Transport;
    try {
      transport = reconnect.newTransport();
    } catch (e) {
      this.closedError = CodexError.is(e) ? (e as CodexError) : new TransportClosedError(`could not reconnect: ${describeError(e)}`, { cause: e });
      this.reopenFailed = true;
      this.publishState();
      return false;
    }
    this.inbound?.unsubscribe();
    this.transport = transport;
    this.closedError = undefined;
    this.reopenFailed = false;
    this._state = 'idle';
    this.activity.reset();
    this.handshake = new Handshake();
    this.notifications = new HotFanout<WireNotification>();
    this._generation++;
    this.publishState();
    return true;
  }

  private start(): void {
    if (this._state !== 'idle') return;
    this._state = 'connecting';
    this.publishState();
    // After a failed attempt, the next one waits its backoff (calls wait on `ready` meanwhile).
    const delay = this.schedule?.wait() ?? 0;
    if (delay > 0) {
      this.activity.update();
      this.startDelay = wait(delay, this.options.scheduler).subscribe(() => {
        this.startDelay = undefined;
        if (this._state === 'connecting') this.open();
      });
      return;
    }
    this.open();
  }

  private open(): void {
    this.inbound = this.transport.messages$.subscribe(
      new InboundSubscriber<unknown>(
        (m) => this.dispatchSafely(m),
        (e) => this.terminate(CodexError.is(e) ? (e as CodexError) : new TransportClosedError(String(e), { cause: e })),
        () => this.terminate(new TransportClosedError('the app-server closed the connection')),
      ),
    );
    if (this.closedError) return; // the transport failed synchronously
    this.activity.update();
    this.handshake.run(this.handshakeHost, this.options);
  }

  private readonly handshakeHost: HandshakeHost = {
    request: (method, params) => new Observable<unknown>((subscriber) => void this.send(method, params, subscriber, undefined)),
    confirm: () => this.transport.send({ method: 'initialized' }),
    opened: () => {
      this._state = 'ready';
      this.schedule?.succeeded();
      this.publishState();
    },
    announced: () => this.activity.update(),
    failed: (error, rejected) => {
      this.terminate(error);
      if (rejected) void this.transport.close();
    },
  };

  private send(method: string, params: unknown, subscriber: Subscriber<unknown>, timeoutMs: number | undefined): RequestId | undefined {
    const id = this.pending.add(method, subscriber);
    try {
      this.transport.send(params === undefined ? { id, method } : { id, method, params });
    } catch (e) {
      this.pending.forget(id);
      subscriber.error(e);
      return undefined;
    }
    const ms = timeoutMs ?? this.options.requestTimeoutMs ?? 300_000;
    if (ms > 0) this.pending.expireAfter(id, ms);
    return id;
  }

  /**
   * The routing table holds the connection while it routes or awaits any turn. One hold for the
   * whole table: a route's end is decided inside the demultiplexer (merged, replaced, failed), so
   * its state is read after each routing call rather than mirrored per route.
   */
  private holdWhileRouting(): void {
    if (this.demux.active) this.routing ??= this.activity.hold();
    else if (this.routing) {
      const release = this.routing;
      this.routing = undefined;
      release();
    }
  }

  /** Nothing the server sends may throw out of here: the inbound stream would report it as unhandled. */
  private dispatchSafely(raw: unknown): void {
    try {
      this.dispatch(raw);
    } catch (e) {
      this.warn('invalid-message', `codex-rx could not process a message from the app-server: ${describeError(e)}`);
    }
  }

  private dispatch(raw: unknown): void {
    // The hot path — a notification — is told apart without allocating; classify() does the rest.
    const m = raw as { method?: unknown; id?: unknown } | null;
    if (typeof m === 'object' && m !== null && typeof m.method === 'string' && m.id === undefined && !Array.isArray(m)) {
      return this.onNotification(m as WireNotification);
    }
    if (raw instanceof MalformedLine) {
      // V8's reason quotes a window of the text: that window could cut a secret in half.
      const reason = raw.reason.replace(/"(?:[^"\\]|\\.)*"(?:\.\.\.)?/g, '"…"');
      this.warn('malformed-line', `app-server wrote a line that is not JSON (${raw.text.length} chars): ${reason}`, this.redactText(raw.text).slice(0, 200));
      return;
    }
    const c = classify(raw);
    switch (c.kind) {
      case 'notification':
        return this.onNotification(c.message);
      case 'response':
        return this.onResponse(c.message);
      case 'request':
        return this.onServerRequest(c.message);
      case 'invalid':
        return this.warn('invalid-message', `app-server sent a message that is not JSON-RPC: ${c.reason}`, raw);
    }
  }

  private onNotification(n: WireNotification): void {
    if (this.options.validateInbound) this.checkInbound('notification', n.method, n.params);
    this.notifications.next(n);
    // `params.turnId` first: the id table says the same wherever a method has one (the generator
    // prefers `turnId`), and the hot path (deltas) skips the table lookup by method.
    const direct = (n.params as { turnId?: unknown } | null | undefined)?.turnId;
    let turnId = typeof direct === 'string' ? direct : notificationTurnId(n.method, n.params);
    if (turnId === undefined) {
      if (n.method !== 'serverRequest/resolved') return;
      const requestId = (n.params as { requestId?: RequestId } | undefined)?.requestId;
      if (requestId === undefined) return;
      this.answers.resolved(requestId);
      if ((turnId = this.demux.takeRequestTurn(String(requestId))) === undefined) return;
    }
    if (this.demux.watching) this.demux.notifyWatchers(n, turnId);
    if (isDeltaMethod(n.method) && this.demux.deliverDelta(n, turnId)) return;
    // The thread id is only needed when the turn has no route yet.
    if (!this.demux.deliver(n, turnId)) this.demux.hold(n, notificationThreadId(n.method, n.params), turnId);
  }

  private onResponse(r: WireResponse): void {
    const entry = this.pending.take(r.id);
    if (!entry) {
      this.warn('unknown-response', `app-server answered request ${JSON.stringify(r.id)}, which is not pending`, r);
      return;
    }
    if (r.error) entry.subscriber.error(errorFromWire(r.error, entry.method, this.redactText));
    else {
      entry.subscriber.next(r.result);
      entry.subscriber.complete();
    }
  }

  private onServerRequest(request: WireRequest): void {
    if (this.options.validateInbound) this.checkInbound('request', request.method, request.params);
    const ids = serverRequestIds(request.method, request.params);
    if (ids.turnId !== undefined) {
      this.demux.noteRequest(String(request.id), ids.turnId, ids.threadId);
      if (this.demux.watching) this.demux.notifyWatchers(request, ids.turnId);
    }
    this.demux.dispatch(request, ids.threadId, ids.turnId);
    this.answers.handle(request, ids);
  }

  private answer(id: RequestId, result: unknown, error?: WireError): void {
    if (this.closedError) return;
    try {
      this.transport.send(error ? { id, error } : { id, result });
    } catch (e) {
      this.warn('unanswerable', `could not answer server request ${JSON.stringify(id)}`, e);
    }
  }

  private checkInbound(kind: 'notification' | 'request', method: string, params: unknown): void {
    try {
      const issues = this.options.validateInbound!(kind, method, params);
      if (!isPromiseLike<readonly ValidationIssue[] | undefined>(issues)) return this.reportDrift(kind, method, params, issues);
      // The validators are still loading (the only case that needs closures).
      issues.then(
        (later) => this.reportDrift(kind, method, params, later),
        (e: unknown) => this.inboundUncheckable(kind, method, e),
      );
    } catch (e) {
      this.inboundUncheckable(kind, method, e);
    }
  }

  private reportDrift(kind: 'notification' | 'request', method: string, params: unknown, issues: readonly ValidationIssue[] | undefined): void {
    if (!issues || issues.length === 0) return;
    const text = issues.map((i) => (i.path ? `${i.path} ${i.message}` : i.message)).join('; ');
    this.warn('schema-drift', `${kind} ${method} does not match the protocol schema: ${text}`, { method, params, issues });
  }

  private inboundUncheckable(kind: 'notification' | 'request', method: string, e: unknown): void {
    this.warn('schema-drift', `could not validate ${kind} ${method}: ${(e as Error)?.message ?? e}`, e);
  }

  /** Reports a problem the connection survived on `warnings$` (redacted); e.g. a stream's failed teardown. */
  warn(kind: ProtocolWarning['kind'], message: string, detail?: unknown): void {
    if (this.warnings.closed || this.warnings.isStopped) return;
    this.warnings.next({ kind, message: this.redactText(message), detail: this.options.redact ? redactValue(detail, this.redactText) : detail });
  }

  private terminate(error: CodexError, byClient = false): void {
    if (this.closedError) return;
    this.closedError = error;
    const wasReady = this._state === 'ready';
    this._state = 'closed';
    this.startDelay?.unsubscribe();
    this.startDelay = undefined;
    if (!byClient) this.schedule?.dropped(wasReady);
    this.answers.cancelAll();
    this.pending.failAll(error);
    this.handshake.fail(error);
    this.demux.failAll(error);
    this.holdWhileRouting();
    if (byClient) this.notifications.complete();
    else this.notifications.error(error);
    // With reconnect, warnings$ spans every attempt; it ends with close().
    if (byClient || !this.options.reconnect) this.warnings.complete();
    this.activity.ended();
    this.publishState();
  }

  /** Tells `state$` where the connection is now (emits only changes). */
  private publishState(): void {
    const next = codexState({
      state: this._state,
      generation: this._generation,
      closedByClient: this.closedByClient,
      retryable: this.closedError !== undefined && this.mayReconnectAfter(this.closedError),
      live: this.liveSubscribers,
    });
    if (next !== this.link.value) this.link.next(next);
  }

  /** True when a live stream that failed with `error` should reopen the connection on its own. */
  private mayReconnectAfter(error: unknown): boolean {
    return this.options.reconnect !== undefined && !this.closedByClient && !this.reopenFailed && TransportClosedError.is(error) && !AuthenticationError.is(error);
  }

  /**
   * A live stream that outlives drops: with `reconnect`, when the connection drops (not a
   * refusal: AuthenticationError is never retried), it reconnects on its own (the connection's
   * backoff applies) and subscribes `source()` again on the new connection; without `reconnect`
   * it is `source()` as is. While subscribed it counts as a live subscriber for `state$`.
   */
  live<T>(source: () => Observable<T>): Observable<T> {
    if (!this.options.reconnect) return new Observable<T>((subscriber) => source().subscribe(subscriber));
    return liveAcrossReconnects(this.liveHost, source, this.options.scheduler);
  }

  private readonly liveHost: LiveHost = {
    connect: () => this.connect(),
    mayReconnectAfter: (error) => this.mayReconnectAfter(error),
    counted: (delta) => {
      this.liveSubscribers += delta;
      this.publishState();
    },
  };
}
