import { Observable, Subscription } from 'rxjs';
import { ProtocolError } from '../errors.js';
import type { NotificationMethod, NotificationParams } from '../protocol/methods.js';
import { notificationsOf, type StreamHost } from './stream-host.js';

/** How one notification changes a state: its method, which ones concern this state, and the new state. */
export interface StateChange<S, M extends NotificationMethod = NotificationMethod> {
  readonly method: M;
  /** Only notifications that carry this id change the state (e.g. a thread id); default: all of the method. */
  readonly key?: string;
  /** The state after the notification. */
  readonly apply: (state: S, params: NotificationParams<M>) => S;
}

/** Builds a {@link StateChange} with its params typed by the method. */
export function stateChange<S, M extends NotificationMethod>(change: StateChange<S, M>): StateChange<S, NotificationMethod> {
  return change as unknown as StateChange<S, NotificationMethod>;
}

/** Changes held at most while the read is in flight; more fail the stream (a server flooding one state). */
export const MAX_CHANGES_BEFORE_READ = 10_000;

/**
 * The one "read, then follow the notifications" helper behind every live state
 * (`thread.status$`, `codex.rateLimits$`, …). Cold: subscribing listens first, then reads; emits
 * the read value with any change that arrived meanwhile applied, then the state after every
 * change. Never completes by itself; errors when the read fails or the connection ends
 * (TransportClosedError). Nothing needs cleaning up on the server.
 */
export function liveState<S>(host: StreamHost, read: () => Observable<S>, changes: ReadonlyArray<StateChange<S, NotificationMethod>>): Observable<S> {
  return new Observable<S>((subscriber) => {
    let state: { value: S } | undefined;
    const early: Array<{ change: StateChange<S>; params: unknown }> = [];
    const follow = new Subscription();
    for (const change of changes) {
      follow.add(
        notificationsOf(host, change.method, change.key).subscribe({
          next: (params) => {
            if (!state) {
              if (early.length >= MAX_CHANGES_BEFORE_READ) {
                subscriber.error(new ProtocolError(`more than ${MAX_CHANGES_BEFORE_READ} ${change.method} notifications arrived before the state's read was answered`));
                return;
              }
              early.push({ change, params });
              return;
            }
            state = { value: change.apply(state.value, params as never) };
            subscriber.next(state.value);
          },
          error: (e) => subscriber.error(e), // TransportClosedError also when the client closed
        }),
      );
    }
    follow.add(
      read().subscribe({
        next: (value) => {
          if (state) return; // a read emits once
          let current = value;
          for (const { change, params } of early.splice(0)) current = change.apply(current, params as never);
          state = { value: current };
          subscriber.next(current);
        },
        error: (e) => subscriber.error(e),
      }),
    );
    return follow;
  });
}
