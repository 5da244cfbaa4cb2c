import type { Subscriber } from 'rxjs';
import type { Connection, RoutedMessage } from '../rpc/connection.js';
import type { RouteSink } from '../rpc/demultiplexer.js';
import { isDeltaMethod } from '../protocol/delta.js';
import { MAX_TURN_REPLAY, type TurnEvent } from './turn-event.js';

/** Lifecycle hooks a Thread uses to know its active turn (called per subscriber). */
export interface TurnHooks {
  /** The server gave the turn its id (the `turn/start` answer). */
  started?(turnId: string): void;
  /** The turn is running (`turn/started`): it can be steered and interrupted now. */
  running?(turnId: string): void;
  /** The stream ended (completed, errored or unsubscribed), reported once. */
  ended?(turnId: string | undefined): void;
}

/** One subscriber of a turn stream; it follows one route (which may change once, by a merge). */
export interface TurnFollower {
  readonly subscriber: Subscriber<TurnEvent>;
  readonly hooks: TurnHooks;
  route: TurnRoute;
  /** `ended` was reported: the follower gets nothing more. */
  ended: boolean;
}

/**
 * Where a turn is in its life, as its route sees it:
 * - `claimed`: `turn/start` sent, the id not known yet (messages are held by the demultiplexer);
 * - `bound`: routed by id, `turn/started` not seen (the server refuses `turn/interrupt` now);
 * - `running`: `turn/started` seen;
 * - `interrupting`: running, and `turn/interrupt` was sent because nobody follows it;
 * - `completed`: `turn/completed` seen; `failed`: the route errored; `released`: unrouted.
 */
type RouteState = 'claimed' | 'bound' | 'running' | 'interrupting' | 'completed' | 'failed' | 'released';

/**
 * The route of one turn: it receives the turn's messages from the demultiplexer and hands them
 * to every subscriber following the turn. Usually one; more when the app-server answered several
 * `turn/start` with this turn's id — a later one joins with a replay of what the turn emitted
 * so far (every event except the streaming deltas), so each subscriber sees the turn's items,
 * usage and completion, and reduces the same TurnResult. The last subscriber leaving before
 * `turn/completed` interrupts the turn. While another `turn/start` of the thread awaits its
 * answer, a route that nobody follows stays routed, so that answer can still join it.
 */
export class TurnRoute implements RouteSink<RoutedMessage> {
  /**
   * The subscriber when exactly one follows (the usual case): the hot path hands it each message
   * without reaching through the followers array and the follower record — per-turn objects that
   * are cold in the cache when many turns are live. Kept in step by follow()/unfollow()/takeFollowers().
   */
  private sole: Subscriber<TurnEvent> | undefined;
  turnId: string | undefined;
  private state: RouteState = 'claimed';
  private followers: TurnFollower[] = [];
  /** Left while the turn could not be interrupted yet (`bound`): they end once the route lets go. */
  private departed: TurnFollower[] = [];
  private readonly log: RoutedMessage[] = [];
  private failure: unknown;
  private lingering = false;

  constructor(
    private readonly connection: Connection,
    private readonly threadId: string,
  ) {}

  /** True once the route errored (e.g. its thread overflowed before the id was known). */
  get failed(): boolean {
    return this.state === 'failed';
  }

  /** Adds the first follower, before the route is claimed. */
  add(follower: TurnFollower): void {
    this.follow(follower);
  }

  /** The id is known and the demultiplexer is about to route it here. */
  bound(turnId: string): void {
    this.turnId = turnId;
    if (this.state === 'claimed') this.state = 'bound';
  }

  /** The demultiplexer routes the id here now (unless it joined another route): deltas may go straight to a sole follower. */
  routed(): void {
    if (this.turnId !== undefined && this.sole !== undefined) this.connection.routeDeltas(this.turnId, this, this.sole);
  }

  /** The hot path: one message of this turn. */
  next(message: RoutedMessage): void {
    // A streaming delta (`…/delta`, `…Delta`) is neither kept for a replay nor a lifecycle event:
    // it only goes to the followers (none once the turn completed).
    if (!isDeltaMethod(message.method) || (message as { id?: unknown }).id !== undefined) {
      if (!this.event(message)) return;
    }
    const sole = this.sole;
    if (sole !== undefined) sole.next(message as TurnEvent);
    else if (this.followers.length > 1) for (const f of [...this.followers]) f.subscriber.next(message as TurnEvent);
  }

  /** The route failed (connection gone, or its thread overflowed before the id was known). */
  error(error: unknown): void {
    const state = this.state;
    if (state === 'completed' || state === 'failed' || state === 'released') return;
    this.state = 'failed';
    this.failure = error;
    for (const f of this.takeFollowers()) {
      f.subscriber.error(error);
      this.end(f);
    }
    this.endDeparted();
    if (this.turnId !== undefined && state !== 'claimed') this.connection.releaseTurn(this.turnId, this);
  }

  /** Keeps a non-delta message for replays and follows the turn's lifecycle; false: do not deliver it. */
  private event(message: RoutedMessage): boolean {
    const state = this.state;
    if (state === 'completed' || state === 'failed' || state === 'released') return false;
    if ((message as { id?: unknown }).id === undefined) {
      if (message.method === 'turn/completed') {
        this.complete(message);
        return false;
      }
      this.keep(message);
      if (message.method === 'turn/started' && (state === 'bound' || state === 'claimed')) this.run();
    } else this.keep(message); // a server request
    return true;
  }

  /** A second `turn/start` was answered with this turn's id: its subscriber follows this route. */
  merge(other: RouteSink<RoutedMessage>): void {
    if (!(other instanceof TurnRoute)) return;
    other.state = 'released';
    for (const f of other.takeFollowers()) this.join(f);
  }

  /** The subscriber left (unsubscribed) before the turn completed. */
  leave(follower: TurnFollower): void {
    if (!this.unfollow(follower)) return;
    // The last one leaving a turn that cannot be interrupted yet is still its owner until it is.
    if (this.followers.length === 0 && this.state === 'bound') this.departed.push(follower);
    else this.end(follower);
    this.unfollowed();
  }

  private join(f: TurnFollower): void {
    f.route = this;
    if (this.state === 'failed') {
      f.subscriber.error(this.failure);
      return this.end(f);
    }
    this.follow(f);
    this.endDeparted(); // someone follows the turn again
    if (this.state !== 'bound') f.hooks.running?.(this.turnId!);
    // The replay: what the turn emitted so far (ending with turn/completed if it has completed).
    for (const m of this.log) {
      if (f.ended) return;
      f.subscriber.next(m as TurnEvent);
      if ((m as { method: string }).method === 'turn/completed') {
        this.unfollow(f);
        f.subscriber.complete();
        return this.end(f);
      }
    }
  }

  private follow(f: TurnFollower): void {
    this.followers.push(f);
    this.soleChanged(this.followers.length === 1 ? f.subscriber : undefined);
  }

  /** False when `f` did not follow this route. */
  private unfollow(f: TurnFollower): boolean {
    const i = this.followers.indexOf(f);
    if (i < 0) return false;
    this.followers.splice(i, 1);
    this.soleChanged(this.followers.length === 1 ? this.followers[0]!.subscriber : undefined);
    return true;
  }

  private takeFollowers(): TurnFollower[] {
    this.soleChanged(undefined);
    return this.followers.splice(0);
  }

  /**
   * While one subscriber follows, the connection hands it the turn's deltas itself: a delta
   * needs nothing of the route (no replay, no lifecycle), and skipping it saves touching one
   * more per-turn object per message, which is what costs when many turns are live.
   */
  private soleChanged(sole: Subscriber<TurnEvent> | undefined): void {
    this.sole = sole;
    if (this.turnId !== undefined) this.connection.routeDeltas(this.turnId, this, sole);
  }

  private keep(message: RoutedMessage): void {
    if (this.log.length < MAX_TURN_REPLAY) this.log.push(message);
  }

  private run(): void {
    this.state = 'running';
    for (const f of [...this.followers, ...this.departed]) f.hooks.running?.(this.turnId!);
    this.unfollowed(); // nobody followed it while it could not be interrupted: interrupt it now
    this.endDeparted();
  }

  private complete(message: RoutedMessage): void {
    this.log.push(message);
    this.state = 'completed';
    for (const f of this.takeFollowers()) {
      f.subscriber.next(message as TurnEvent);
      f.subscriber.complete();
      this.end(f);
    }
    this.endDeparted();
    this.linger();
  }

  private endDeparted(): void {
    if (this.departed.length > 0) for (const f of this.departed.splice(0)) this.end(f);
  }

  private end(f: TurnFollower): void {
    if (f.ended) return;
    f.ended = true;
    f.hooks.ended?.(this.turnId);
  }

  /** Nobody follows the turn: interrupt it once it runs (never after it completed), then let go. */
  private unfollowed(): void {
    if (this.followers.length > 0) return;
    if (this.state === 'running') {
      this.state = 'interrupting';
      this.connection
        .request('turn/interrupt', { threadId: this.threadId, turnId: this.turnId! })
        .subscribe({ error: () => undefined });
      this.linger();
    } else if (this.state === 'interrupting' || this.state === 'completed') this.linger();
    // `bound`: the server refuses turn/interrupt before turn/started; `run()` comes back here.
  }

  /** Stays routed while a `turn/start` of the thread may still be answered with this id. */
  private linger(): void {
    if (this.lingering || this.state === 'released') return;
    const waited = this.connection.afterTurnClaims(this.threadId, () => {
      this.lingering = false;
      if (this.followers.length === 0) this.release();
    });
    if (waited) this.lingering = true;
    else this.release();
  }

  private release(): void {
    if (this.state === 'released') return;
    this.state = 'released';
    this.connection.releaseTurn(this.turnId!, this);
    this.endDeparted();
  }
}
