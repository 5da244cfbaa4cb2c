import { Observable, type Subscriber } from 'rxjs';
import type { Connection } from '../rpc/connection.js';
import type { TurnStartParams } from '../protocol/generated/v2/TurnStartParams.js';
import type { TurnEvent } from './turn-event.js';
import { TurnRoute, type TurnFollower, type TurnHooks } from './turn-route.js';

export type { TurnHooks } from './turn-route.js';

/**
 * The cold turn Observable: subscribing sends `turn/start`; it emits every message of that turn
 * (including those that arrive before the `turn/start` answer) and completes right after
 * `turn/completed`. Unsubscribing earlier interrupts the turn: the app-server only accepts
 * `turn/interrupt` once the turn is running (`turn/started`), so the interrupt is sent then — at
 * once if it already is — and never for a turn that already completed. Until then the route
 * stays open (invisible to the consumer) so that nothing is left running unseen.
 *
 * When the app-server answers two `turn/start` of one thread with the same turn id (it folds the
 * second input into the running turn), both subscribers follow that turn: the later one first
 * gets a replay of the turn so far (see TurnRoute), and only the last one leaving interrupts it.
 */
export function turnStream(connection: Connection, params: TurnStartParams, hooks: TurnHooks = {}): Observable<TurnEvent> {
  return new Observable<TurnEvent>((subscriber) => followNewTurn(connection, params, hooks, subscriber));
}

/** Starts a turn for one subscriber (the body of `turnStream`); returns its teardown. */
export function followNewTurn(connection: Connection, params: TurnStartParams, hooks: TurnHooks, subscriber: Subscriber<TurnEvent>): (() => void) | undefined {
  const route = new TurnRoute(connection, params.threadId);
  const follower: TurnFollower = { subscriber, hooks, route, ended: false };
  route.add(follower);
  let left = false; // unsubscribed before the turn id was known

  let claim: ReturnType<Connection['claimTurn']>;
  try {
    claim = connection.claimTurn(params.threadId, route);
  } catch (e) {
    follower.ended = true;
    subscriber.error(e);
    hooks.ended?.(undefined);
    return;
  }

  const start = connection.request('turn/start', params).subscribe({
    next: (response) => {
      const turnId = response.turn.id;
      hooks.started?.(turnId);
      if (route.failed) {
        // Messages were flowing (the turn runs) but this stream can no longer follow it: stop it.
        connection.request('turn/interrupt', { threadId: params.threadId, turnId }).subscribe({ error: () => undefined });
        return;
      }
      route.bound(turnId);
      claim.bind(turnId); // hands over what arrived early, or joins the route already following this id
      route.routed();
      if (left) follower.route.leave(follower);
    },
    error: (error) => {
      claim.release();
      if (follower.ended) return;
      follower.ended = true;
      subscriber.error(error);
      hooks.ended?.(undefined);
    },
  });

  return () => {
    if (follower.ended) return;
    if (route.turnId === undefined && !start.closed) {
      left = true; // keep the request alive: its answer interrupts the turn (unless others follow it)
      return;
    }
    follower.route.leave(follower);
  };
}
