import { defer, Observable } from 'rxjs';
import { ProtocolError, TransportClosedError } from '../errors.js';
import type { NotificationMethod, NotificationParams } from '../protocol/methods.js';
import type { StreamHost } from './stream-host.js';

/** How one notification changes a state: its method, which ones concern this state, and the new state. */
export interface StateChange<S, M extends NotificationMethod = NotificationMethod> {
  readonly method: M;
  /** Only notifications this accepts change the state (e.g. those of one thread). */
  readonly match?: (params: NotificationParams<M>) => boolean;
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
  return defer(() => {
    const methods = new Map(changes.map((c) => [c.method as string, c]));
    return new Observable<S>((subscriber) => {
      let state: { value: S } | undefined;
      const early: Array<{ change: StateChange<S>; params: unknown }> = [];
      const follow = host.notifications$.subscribe({
        next: (n) => {
          const change = methods.get(n.method);
          if (!change || (change.match && !change.match(n.params as never))) return;
          if (!state) {
            if (early.length >= MAX_CHANGES_BEFORE_READ) {
              subscriber.error(new ProtocolError(`more than ${MAX_CHANGES_BEFORE_READ} ${n.method} notifications arrived before the state's read was answered`));
              return;
            }
            early.push({ change, params: n.params });
            return;
          }
          state = { value: change.apply(state.value, n.params as never) };
          subscriber.next(state.value);
        },
        error: (e) => subscriber.error(e),
        // The client closed the connection: a live state cannot follow any more.
        complete: () => subscriber.error(new TransportClosedError('the connection was closed')),
      });
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
  });
}
