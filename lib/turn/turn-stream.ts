import { Observable } from 'rxjs';
import type { Connection, RoutedMessage } from '../rpc/connection.js';
import type { RouteSink } from '../rpc/demultiplexer.js';
import type { TurnStartParams } from '../protocol/generated/v2/TurnStartParams.js';
import type { TurnNotification } from './turn-notification.js';

/** Lifecycle hooks a Thread uses to know its active turn. */
export interface TurnHooks {
  /** The server gave the turn its id (the `turn/start` answer). */
  started?(turnId: string): void;
  /** The turn is running (`turn/started`): it can be steered and interrupted now. */
  running?(turnId: string): void;
  /** The stream ended (completed, errored or unsubscribed), reported once. */
  ended?(turnId: string | undefined): void;
}

const isNotification = (m: RoutedMessage): boolean => (m as { id?: unknown }).id === undefined;

/**
 * The cold turn Observable: subscribing sends `turn/start`; it emits every message of that turn
 * (including those that arrive before the `turn/start` answer) and completes right after
 * `turn/completed`. Unsubscribing earlier interrupts the turn: the app-server only accepts
 * `turn/interrupt` once the turn is running (`turn/started`), so the interrupt is sent then — at
 * once if it already is — and never for a turn that already completed. Until then the route
 * stays open (invisible to the consumer) so that nothing is left running unseen.
 */
export function turnStream(connection: Connection, params: TurnStartParams, hooks: TurnHooks = {}): Observable<TurnNotification> {
  return new Observable<TurnNotification>((subscriber) => {
    let turnId: string | undefined;
    let running = false; // turn/started seen
    let completed = false; // turn/completed seen: never interrupt then
    let detached = false; // the consumer is gone (unsubscribed, or the stream errored)
    let interruptWhenRunning = false;
    let routeFailed = false; // the route errored (e.g. early-message overflow): it will see nothing more
    let released = false;
    let ended = false;

    const end = () => {
      if (ended) return;
      ended = true;
      hooks.ended?.(turnId);
    };
    const release = () => {
      if (released) return;
      released = true;
      if (turnId !== undefined) connection.releaseTurn(turnId, sink);
      else claim?.release();
      end();
    };
    const sendInterrupt = (id: string) => {
      connection.request('turn/interrupt', { threadId: params.threadId, turnId: id }).subscribe({ error: () => undefined });
    };
    // The consumer is gone and the turn id is known: interrupt now or once running, then let go.
    const abandon = () => {
      if (completed || turnId === undefined) return release();
      if (running) {
        sendInterrupt(turnId);
        return release();
      }
      interruptWhenRunning = true; // keep the route: turn/started will come
    };

    const sink: RouteSink<RoutedMessage> = {
      next: (message) => {
        if (released) return;
        const notification = isNotification(message);
        if (notification && message.method === 'turn/started' && !running) {
          running = true;
          hooks.running?.(turnId ?? (message.params as { turn: { id: string } }).turn.id);
          if (interruptWhenRunning && turnId !== undefined) {
            sendInterrupt(turnId);
            return release();
          }
        }
        const isCompletion = notification && message.method === 'turn/completed';
        if (isCompletion) completed = true;
        if (!detached) subscriber.next(message as TurnNotification);
        if (isCompletion) {
          if (!detached) {
            detached = true;
            subscriber.complete();
          }
          release();
        }
      },
      error: (error) => {
        routeFailed = true;
        if (!detached) {
          detached = true;
          subscriber.error(error);
        }
        if (turnId !== undefined) release();
      },
    };

    let claim: ReturnType<Connection['claimTurn']> | undefined;
    try {
      claim = connection.claimTurn(params.threadId, sink);
    } catch (e) {
      subscriber.error(e);
      end();
      return;
    }

    const start = connection.request('turn/start', params).subscribe({
      next: (response) => {
        turnId = response.turn.id;
        hooks.started?.(turnId);
        if (routeFailed) {
          // Messages were flowing (the turn runs) but nobody can follow it any more: stop it.
          sendInterrupt(turnId);
          return release();
        }
        claim!.bind(turnId); // hands over what arrived early; may complete the stream
        if (detached && !released) abandon();
      },
      error: (error) => {
        if (!detached) {
          detached = true;
          subscriber.error(error);
        }
        release();
      },
    });

    return () => {
      const wasDetached = detached;
      detached = true;
      if (released) return;
      if (turnId === undefined) {
        // The id is not known yet: keep the request alive; its answer interrupts the turn.
        if (start.closed) release();
        return;
      }
      if (!wasDetached || !completed) abandon();
    };
  });
}
