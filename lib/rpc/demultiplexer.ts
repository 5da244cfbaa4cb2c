import { ProtocolError } from '../errors.js';

/** Where routed messages go: a turn's stream. */
export interface RouteSink<T> {
  next(message: T): void;
  error(error: unknown): void;
  /**
   * Another claim was answered with this sink's turn id (the app-server folds a second
   * `turn/start` on a thread into its running turn and answers both with one id): `other`'s
   * followers follow this route from now on. A sink without `merge` is replaced by the newer one.
   */
  merge?(other: RouteSink<T>): void;
}

/** A claim on the next turn of a thread, made before its id is known. */
export interface TurnClaim {
  /** The id is known: deliver buffered and future messages of that turn to the sink. */
  bind(turnId: string): void;
  /** Give up the claim (start failed, or bound already); drops the buffer when nobody waits. */
  release(): void;
}

interface ThreadBuffer<T> {
  readonly claims: Set<RouteSink<T>>;
  messages: Array<{ turnId: string; message: T }>;
  /** Called once no claim waits on the thread any more (see `afterClaims`). */
  drained?: Array<() => void>;
}

/** Default number of messages held per thread while a turn/start awaits its answer. */
export const DEFAULT_MAX_BUFFERED_PER_THREAD = 10_000;

/**
 * Server requests remembered for `serverRequest/resolved` routing, at most; the oldest is
 * forgotten first (its `serverRequest/resolved` then reaches only `notifications$`, unless it
 * names its turn).
 */
export const MAX_TRACKED_REQUESTS = 10_000;

/**
 * Routes messages to turn streams by turn id through maps: O(1) per message whatever the number
 * of live turns. Messages that arrive before a turn's id is known (turn/start not yet answered)
 * are held per thread, bounded, and handed over when the id is bound.
 */
export class Demultiplexer<T> {
  private readonly byTurn = new Map<string, RouteSink<T>>();
  /** Where a turn's deltas go without its route (see {@link Demultiplexer.routeDeltas}). */
  private readonly deltas = new Map<string, { next(message: T): void }>();
  private readonly waiting = new Map<string, ThreadBuffer<T>>();
  private readonly requestTurns = new Map<string, string>();
  /** Observers of a turn beside its route (an attached turn): they see every message, own nothing. */
  private readonly watchers = new Map<string, Set<RouteSink<T>>>();
  private buffered = 0;

  constructor(private readonly maxBufferedPerThread = DEFAULT_MAX_BUFFERED_PER_THREAD) {}

  /** Delivers a message to its turn's route, or holds it for a claim on its thread. */
  dispatch(message: T, threadId: string | undefined, turnId: string | undefined): boolean {
    if (turnId === undefined) return false;
    return this.deliver(message, turnId) || this.hold(message, threadId, turnId);
  }

  /** The hot path: hands a message to its turn's route, if the turn has one. */
  deliver(message: T, turnId: string): boolean {
    const sink = this.byTurn.get(turnId);
    if (!sink) return false;
    sink.next(message);
    return true;
  }

  /** The hot path of deltas: hands one to the turn's direct sink, if it has one. */
  deliverDelta(message: T, turnId: string): boolean {
    const sink = this.deltas.get(turnId);
    if (sink === undefined) return false;
    sink.next(message);
    return true;
  }

  /**
   * Lets the deltas of `turnId` skip its route and go to `to` (undefined: through the route
   * again). Only the sink routed for that id may say so; it says so again whenever `to` changes.
   */
  routeDeltas(turnId: string, route: RouteSink<T>, to: { next(message: T): void } | undefined): void {
    if (to !== undefined && this.byTurn.get(turnId) === route) this.deltas.set(turnId, to);
    else if (this.byTurn.get(turnId) === route || !this.byTurn.has(turnId)) this.deltas.delete(turnId);
  }

  /** True while any turn is watched: the connection calls {@link Demultiplexer.notifyWatchers} only then. */
  get watching(): boolean {
    return this.watchers.size > 0;
  }

  /**
   * Lets `sink` see every message of `turnId` (whoever routes it, or nobody) until the returned
   * removal; it takes no part in routing (claims, merges, interrupts) and keeps nothing alive.
   */
  watch(turnId: string, sink: RouteSink<T>): () => void {
    let sinks = this.watchers.get(turnId);
    if (!sinks) this.watchers.set(turnId, (sinks = new Set()));
    sinks.add(sink);
    return () => {
      const current = this.watchers.get(turnId);
      if (!current?.delete(sink) || current.size > 0) return;
      this.watchers.delete(turnId);
      if (!this.byTurn.has(turnId)) for (const [requestId, turn] of this.requestTurns) if (turn === turnId) this.requestTurns.delete(requestId);
    };
  }

  /** Hands a message to the watchers of its turn (if any). */
  notifyWatchers(message: T, turnId: string): void {
    const sinks = this.watchers.get(turnId);
    if (sinks) for (const s of [...sinks]) s.next(message);
  }

  /** Holds a message of a turn not yet bound, when its thread has a claim (bounded). */
  hold(message: T, threadId: string | undefined, turnId: string): boolean {
    const buffer = threadId === undefined ? undefined : this.waiting.get(threadId);
    if (!buffer) return false;
    if (buffer.messages.length >= this.maxBufferedPerThread) {
      const error = new ProtocolError(
        `more than ${this.maxBufferedPerThread} messages of thread ${threadId} arrived before its turn/start was answered`,
      );
      this.dropBuffer(threadId!, buffer);
      for (const claim of buffer.claims) claim.error(error);
      return false;
    }
    buffer.messages.push({ turnId, message });
    this.buffered++;
    return true;
  }

  /** Claims the next turn of `threadId` for `sink`; messages of unknown turns of that thread are held. */
  claim(threadId: string, sink: RouteSink<T>): TurnClaim {
    let buffer = this.waiting.get(threadId);
    if (!buffer) {
      buffer = { claims: new Set(), messages: [] };
      this.waiting.set(threadId, buffer);
    }
    buffer.claims.add(sink);
    const release = () => {
      const current = this.waiting.get(threadId);
      if (!current || !current.claims.delete(sink)) return;
      if (current.claims.size === 0) this.dropBuffer(threadId, current);
    };
    return {
      bind: (turnId) => {
        const current = this.waiting.get(threadId);
        // A released (or overflowed) claim gets no route.
        if (current && current.claims.has(sink)) {
          const existing = this.byTurn.get(turnId);
          if (existing !== undefined && existing !== sink && existing.merge) {
            // Same turn as a route already bound: its messages went (and go) there, none are held.
            existing.merge(sink);
            release();
            return;
          }
          this.byTurn.set(turnId, sink);
          const mine = current.messages.filter((m) => m.turnId === turnId);
          if (mine.length > 0) {
            current.messages = current.messages.filter((m) => m.turnId !== turnId);
            this.buffered -= mine.length;
          }
          release();
          for (const m of mine) {
            if (this.byTurn.get(turnId) !== sink) break; // the sink finished while flushing
            sink.next(m.message);
          }
        }
      },
      release,
    };
  }

  /**
   * Calls `then` once no claim waits on `threadId` any more (each was bound or released), and
   * returns true; returns false, without calling it, when none waits now. A route uses this to
   * stay reachable while a pending `turn/start` of its thread may still be answered with its id.
   */
  afterClaims(threadId: string, then: () => void): boolean {
    const buffer = this.waiting.get(threadId);
    if (!buffer) return false;
    (buffer.drained ??= []).push(then);
    return true;
  }

  /** Stops routing a turn. */
  remove(turnId: string, sink?: RouteSink<T>): void {
    if (sink !== undefined && this.byTurn.get(turnId) !== sink) return;
    this.byTurn.delete(turnId);
    this.deltas.delete(turnId);
    // Few server requests are ever outstanding: a scan is cheaper than an index.
    if (!this.watchers.has(turnId)) for (const [requestId, turn] of this.requestTurns) if (turn === turnId) this.requestTurns.delete(requestId);
  }

  /** Remembers which turn a server request belongs to (for `serverRequest/resolved`). */
  noteRequest(requestId: string, turnId: string, threadId?: string): void {
    if (this.byTurn.has(turnId) || this.watchers.has(turnId) || (threadId !== undefined && this.waiting.has(threadId))) {
      this.requestTurns.delete(requestId); // a reused id moves to the end
      this.requestTurns.set(requestId, turnId);
      if (this.requestTurns.size > MAX_TRACKED_REQUESTS) this.requestTurns.delete(this.requestTurns.keys().next().value as string);
    }
  }

  /** The turn of a server request, forgetting it. */
  takeRequestTurn(requestId: string): string | undefined {
    const turnId = this.requestTurns.get(requestId);
    if (turnId !== undefined) this.requestTurns.delete(requestId);
    return turnId;
  }

  /** Errors every route and claim (the connection is gone) and forgets everything. */
  failAll(error: unknown): void {
    const sinks = new Set<RouteSink<T>>(this.byTurn.values());
    for (const buffer of this.waiting.values()) for (const c of buffer.claims) sinks.add(c);
    for (const watchers of this.watchers.values()) for (const w of watchers) sinks.add(w);
    this.watchers.clear();
    this.byTurn.clear();
    this.deltas.clear();
    this.waiting.clear();
    this.requestTurns.clear();
    this.buffered = 0;
    for (const s of sinks) s.error(error);
  }

  /** True while any turn is routed or claimed. */
  get active(): boolean {
    return this.byTurn.size > 0 || this.waiting.size > 0;
  }

  /** Live turn routes, threads with claims, held messages, tracked server requests. */
  get stats(): { routes: number; claimedThreads: number; bufferedMessages: number; trackedRequests: number } {
    return { routes: this.byTurn.size, claimedThreads: this.waiting.size, bufferedMessages: this.buffered, trackedRequests: this.requestTurns.size };
  }

  private dropBuffer(threadId: string, buffer: ThreadBuffer<T>): void {
    // Requests of turns that were held but never bound will never be resolved to a route.
    for (const { turnId } of buffer.messages) {
      if (this.byTurn.has(turnId)) continue;
      for (const [requestId, turn] of this.requestTurns) if (turn === turnId) this.requestTurns.delete(requestId);
    }
    this.buffered -= buffer.messages.length;
    buffer.messages = [];
    this.waiting.delete(threadId);
    const drained = buffer.drained;
    buffer.drained = undefined;
    if (drained) for (const then of drained) then();
  }
}
