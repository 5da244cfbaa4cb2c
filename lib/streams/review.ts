import { Observable } from 'rxjs';
import type { ReviewStartParams } from '../protocol/generated/v2/ReviewStartParams.js';
import type { Connection, RoutedMessage } from '../rpc/connection.js';
import type { RouteSink } from '../rpc/demultiplexer.js';
import type { TurnNotification } from '../turn/turn-notification.js';
import type { TurnHooks } from '../turn/turn-route.js';
import { notificationsOf, sendTeardown, type StreamHost } from './stream-host.js';

/** A StreamHost that also routes turns (the Connection). */
export type TurnHost = StreamHost & Pick<Connection, 'claimTurn' | 'releaseTurn'>;

/** What `thread.review()` reviews: `review/start`'s target, e.g. `{ type: 'uncommittedChanges' }`. */
export type ReviewTarget = ReviewStartParams['target'];

const isNotification = (m: RoutedMessage): boolean => (m as { id?: unknown }).id === undefined;

/** turn/started of review turns seen before the review's own id was known, at most. */
const MAX_EARLY_STARTS = 64;

/**
 * A review as a turn stream (`review/start`): emits every notification and server request of the
 * review turn and completes right after its `turn/completed`, so `toTurnResult()` and
 * `turnProgress()` apply. Unsubscribing earlier sends `turn/interrupt` once the review runs.
 *
 * On the wire (verified on 0.171.0) the review turn has two ids: `review/start` answers turn X,
 * whose items and `turn/completed` carry X; the `turn/started` carries a turn Y with
 * `rootTurnId` X, and `turn/interrupt` only accepts Y. This stream follows both; `hooks.running`
 * gets Y (what a Thread then interrupts), and `hooks.ended` is reported once, when the stream ends.
 */
export function reviewStream(host: TurnHost, params: ReviewStartParams, hooks: Pick<TurnHooks, 'running' | 'ended'> = {}): Observable<TurnNotification> {
  return new Observable<TurnNotification>((subscriber) => {
    const threadId = params.threadId;
    let reviewTurnId: string | undefined; // X
    let runningTurnId: string | undefined; // Y, from turn/started
    let completed = false;
    let detached = false;
    let released = false;
    let interruptWhenRunning = false;
    const earlyStarts = new Map<string, Extract<TurnNotification, { method: 'turn/started' }>>();

    const release = () => {
      if (released) return;
      released = true;
      starts.unsubscribe();
      if (reviewTurnId !== undefined) host.releaseTurn(reviewTurnId, sink);
      else claim?.release();
    };
    const sendInterrupt = (turnId: string) => sendTeardown(host, 'turn/interrupt', { threadId, turnId });
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      hooks.ended?.(runningTurnId);
    };
    const detach = (error?: unknown) => {
      if (detached) return;
      detached = true;
      end();
      if (error !== undefined) subscriber.error(error);
      else subscriber.complete();
    };
    const running = (notification: Extract<TurnNotification, { method: 'turn/started' }>) => {
      if (runningTurnId !== undefined) return;
      runningTurnId = notification.params.turn.id;
      if (!detached) {
        hooks.running?.(runningTurnId);
        subscriber.next(notification);
      }
      if (interruptWhenRunning && !completed) {
        sendInterrupt(runningTurnId);
        release();
      }
    };

    const sink: RouteSink<RoutedMessage> = {
      next: (message) => {
        if (released) return;
        const isCompletion = isNotification(message) && message.method === 'turn/completed';
        if (isCompletion) completed = true;
        if (!detached) subscriber.next(message as TurnNotification);
        if (isCompletion) {
          detach();
          release();
        }
      },
      error: (error) => {
        detach(error);
        if (reviewTurnId !== undefined) release();
      },
    };

    const starts = notificationsOf(host, 'turn/started', threadId).subscribe({
      next: (p) => {
        if (typeof p.turn.rootTurnId !== 'string') return; // not a review turn
        const notification = { method: 'turn/started', params: p } as Extract<TurnNotification, { method: 'turn/started' }>;
        if (reviewTurnId === undefined) {
          if (earlyStarts.size < MAX_EARLY_STARTS) earlyStarts.set(p.turn.rootTurnId!, notification);
        } else if (p.turn.rootTurnId === reviewTurnId && p.turn.id !== reviewTurnId) running(notification);
      },
      error: (e) => detach(e),
    });

    let claim: ReturnType<TurnHost['claimTurn']> | undefined;
    try {
      claim = host.claimTurn(threadId, sink);
    } catch (e) {
      starts.unsubscribe();
      subscriber.error(e);
      return;
    }

    const start = host.request('review/start', params).subscribe({
      next: (response) => {
        reviewTurnId = response.turn.id;
        const early = earlyStarts.get(reviewTurnId);
        earlyStarts.clear();
        if (early) running(early);
        if (released) return;
        claim!.bind(reviewTurnId); // hands over what arrived early; may complete the stream
        if (detached && !released) abandon();
      },
      error: (error) => {
        detach(error);
        release();
      },
    });

    // The consumer is gone: interrupt a running review (or once it runs), then let go.
    const abandon = () => {
      if (completed || reviewTurnId === undefined) return release();
      if (runningTurnId !== undefined) {
        sendInterrupt(runningTurnId);
        return release();
      }
      interruptWhenRunning = true; // keep following: turn/started will come
    };

    return () => {
      const wasDetached = detached;
      detached = true;
      end();
      if (released) return;
      if (reviewTurnId === undefined) {
        if (start.closed) release();
        return; // the answer will interrupt the review
      }
      if (!wasDetached || !completed) abandon();
    };
  });
}
