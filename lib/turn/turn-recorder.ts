import { Observable, type Subscriber } from 'rxjs';
import type { Turn } from '../protocol/generated/v2/Turn.js';
import type { Connection, RoutedMessage } from '../rpc/connection.js';
import type { RouteSink } from '../rpc/demultiplexer.js';
import { deltaStreamOf, TurnDedupe } from './turn-dedupe.js';
import { isServerRequest, MAX_TURN_REPLAY, type TurnEvent } from './turn-event.js';
import { turnSoFar } from './turn-so-far.js';

/** Turn-wide state where only the latest value matters (a late joiner needs no history of it). */
const LATEST_ONLY = new Set(['turn/plan/updated', 'turn/diff/updated', 'thread/tokenUsage/updated']);

/**
 * What one connection knows of a turn it did not start (an attached turn): the server's record
 * (`seed`), plus everything of the turn heard since it began watching — a gateway's replay of
 * the items not completed yet, live events, and the turn's server requests still awaiting an
 * answer. Watching starts before the record is read, so nothing falls between the two.
 *
 * Bounded: the log is compacted as it grows — a completed item replaces its `item/started` and
 * deltas, deltas of one stream merge into one, plan/diff/usage keep their latest, resolved
 * requests go — and past MAX_TURN_REPLAY entries only completions are kept. It ends (and stops
 * watching) after `turn/completed`, or with the connection.
 */
export class TurnRecorder implements RouteSink<RoutedMessage> {
  private base?: Turn;
  private log: RoutedMessage[] = [];
  /** Where each delta stream's merged delta sits in the log. */
  private readonly deltaAt = new Map<string, number>();
  private readonly dedupe = new TurnDedupe();
  private readonly followers = new Set<Subscriber<TurnEvent>>();
  private ended?: { readonly error?: unknown };
  private seenCompletion = false;
  private readonly unwatch: () => void;

  /** Throws (a CodexError) when the connection is closed. */
  constructor(
    connection: Connection,
    readonly threadId: string,
    readonly turnId: string,
    private readonly onEnd: (recorder: TurnRecorder) => void,
  ) {
    this.unwatch = connection.watchTurn(turnId, this);
    for (const request of connection.pendingServerRequests(turnId)) this.next(request);
  }

  /** True once the turn is known to have completed (its record said so, or `turn/completed` was heard). */
  get turnCompleted(): boolean {
    return this.ended !== undefined && !('error' in this.ended) && this.seenCompletion;
  }

  /** True once the server's record of the turn is known. */
  get seeded(): boolean {
    return this.base !== undefined;
  }

  /** The server's record of the turn (its finished items); a finished turn ends the recorder. */
  seed(turn: Turn): void {
    if (this.ended || this.base) return;
    this.base = turn;
    if (turn.status !== 'inProgress') {
      this.seenCompletion = true;
      this.finish();
    }
  }

  /** The turn so far (record, then what was heard since), then each live event; completes after `turn/completed`. */
  readonly events$ = new Observable<TurnEvent>((subscriber) => {
    for (const event of this.snapshot()) {
      if (subscriber.closed) return;
      subscriber.next(event);
    }
    if (this.ended) {
      if ('error' in this.ended) subscriber.error(this.ended.error);
      else subscriber.complete();
      return;
    }
    this.followers.add(subscriber);
    return () => this.followers.delete(subscriber);
  });

  /** Stops a recorder that was never seeded (its turn was not found): nothing follows it. */
  abandon(): void {
    if (!this.ended && !this.base && this.followers.size === 0) this.finish();
  }

  next(message: RoutedMessage): void {
    if (this.ended) return;
    const event = this.dedupe.pass(message as TurnEvent);
    if (event === undefined) return;
    this.keep(event as RoutedMessage);
    for (const f of [...this.followers]) f.next(event);
    if (event.method === 'turn/completed' && !isServerRequest(event)) {
      this.seenCompletion = true;
      this.finish();
    }
  }

  error(error: unknown): void {
    if (this.ended) return;
    this.ended = { error };
    this.unwatch();
    for (const f of [...this.followers]) f.error(error);
    this.followers.clear();
    this.onEnd(this);
  }

  private finish(): void {
    this.ended = {};
    this.unwatch();
    for (const f of [...this.followers]) f.complete();
    this.followers.clear();
    this.onEnd(this);
  }

  private snapshot(): TurnEvent[] {
    const record = this.base ? turnSoFar(this.threadId, this.base) : [];
    // The record's turn/completed (a finished turn) goes last, after what was heard live.
    const last = record.length > 0 && record[record.length - 1]!.method === 'turn/completed' ? record.pop() : undefined;
    const events = [...record, ...(this.log as TurnEvent[])];
    if (last) events.push(last);
    return events;
  }

  private keep(message: RoutedMessage): void {
    const event = message as TurnEvent;
    if (isServerRequest(event)) {
      this.append(message);
      return;
    }
    const params = event.params as { item?: { id?: string }; itemId?: string; requestId?: unknown; delta?: string };
    const stream = deltaStreamOf(event);
    if (stream !== undefined) {
      const at = this.deltaAt.get(stream);
      if (at !== undefined) {
        const merged = this.log[at] as { params: { delta: string } };
        this.log[at] = { ...merged, params: { ...merged.params, delta: merged.params.delta + params.delta } } as RoutedMessage;
        return;
      }
      if (this.append(message)) this.deltaAt.set(stream, this.log.length - 1);
      return;
    }
    switch (event.method) {
      case 'item/completed': {
        const id = params.item?.id;
        this.compact((m) => {
          const p = m.params as { item?: { id?: string }; itemId?: string } | undefined;
          return isServerRequest(m as TurnEvent) || (p?.itemId !== id && !(m.method === 'item/started' && p?.item?.id === id));
        });
        this.log.push(message);
        return;
      }
      case 'serverRequest/resolved':
        this.compact((m) => !(isServerRequest(m as TurnEvent) && String((m as { id: unknown }).id) === String(params.requestId)));
        return;
      case 'turn/completed':
        this.log.push(message);
        return;
      default:
        if (LATEST_ONLY.has(event.method)) this.compact((m) => m.method !== event.method || isServerRequest(m as TurnEvent));
        this.append(message);
    }
  }

  /** Appends unless the log is full; false when it was not kept. */
  private append(message: RoutedMessage): boolean {
    if (this.log.length >= MAX_TURN_REPLAY) return false;
    this.log.push(message);
    return true;
  }

  /** Keeps the entries `keep` accepts, and re-indexes the merged deltas. */
  private compact(keep: (m: RoutedMessage) => boolean): void {
    this.log = this.log.filter(keep);
    this.deltaAt.clear();
    this.log.forEach((m, i) => {
      const stream = deltaStreamOf(m as TurnEvent);
      if (stream !== undefined) this.deltaAt.set(stream, i);
    });
  }
}
