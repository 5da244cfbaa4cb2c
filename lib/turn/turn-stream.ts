import { Observable } from 'rxjs';
import type { Connection, RoutedMessage } from '../rpc/connection.js';
import type { RouteSink } from '../rpc/demultiplexer.js';
import type { TurnStartParams } from '../protocol/generated/v2/TurnStartParams.js';
import type { TurnNotification } from './turn-notification.js';

/** Lifecycle hooks a Thread uses to know its active turn. */
export interface TurnHooks {
  /** The server gave the turn its id. */
  started?(turnId: string): void;
  /** The stream ended (completed, errored or unsubscribed). */
  ended?(turnId: string | undefined): void;
}

/**
 * The cold turn Observable: subscribing sends `turn/start`; it emits every message of that turn
 * (including those that arrive before the `turn/start` answer) and completes right after
 * `turn/completed`. Unsubscribing earlier sends `turn/interrupt` — at once when the id is known,
 * else as soon as it is — and never for a turn that already completed.
 */
export function turnStream(connection: Connection, params: TurnStartParams, hooks: TurnHooks = {}): Observable<TurnNotification> {
  return new Observable<TurnNotification>((subscriber) => {
    let turnId: string | undefined;
    let finished = false; // the stream ended (completed or errored)
    let completed = false; // the turn itself ended: never interrupt it then
    let unsubscribed = false;
    let ended = false;
    // Both the teardown and the late turn/start answer may end the stream: report it once.
    const end = () => {
      if (ended) return;
      ended = true;
      hooks.ended?.(turnId);
    };

    const sink: RouteSink<RoutedMessage> = {
      next: (message) => {
        if (finished) return;
        const isCompletion = message.method === 'turn/completed' && (message as { id?: unknown }).id === undefined;
        if (isCompletion) finished = completed = true;
        subscriber.next(message as TurnNotification);
        if (isCompletion) {
          if (turnId !== undefined) connection.releaseTurn(turnId, sink);
          subscriber.complete();
        }
      },
      error: (error) => {
        if (finished) return;
        finished = true;
        subscriber.error(error);
      },
    };

    let claim;
    try {
      claim = connection.claimTurn(params.threadId, sink);
    } catch (e) {
      subscriber.error(e);
      end();
      return;
    }
    const interrupt = (id: string) => {
      connection.request('turn/interrupt', { threadId: params.threadId, turnId: id }).subscribe({ error: () => undefined });
    };

    const start = connection.request('turn/start', params).subscribe({
      next: (response) => {
        turnId = response.turn.id;
        hooks.started?.(turnId);
        claim.bind(turnId); // hands over what arrived early; may complete the stream
        if (unsubscribed) {
          connection.releaseTurn(turnId, sink);
          // Also after an error (e.g. the early-message buffer overflowed): nobody listens any more.
          if (!completed) interrupt(turnId);
          end();
        }
      },
      error: (error) => {
        claim.release();
        if (!finished && !unsubscribed) {
          finished = true;
          subscriber.error(error);
        }
        if (unsubscribed) end();
      },
    });

    return () => {
      unsubscribed = true;
      if (turnId === undefined && !start.closed) {
        // The id is not known yet: keep the request alive; its answer interrupts the turn.
        return;
      }
      if (turnId !== undefined) {
        connection.releaseTurn(turnId, sink);
        if (!completed) interrupt(turnId);
      }
      end();
    };
  });
}
