import { Observable, switchMap, type SchedulerLike, type Subscription } from 'rxjs';
import { wait } from './wait.js';

/** What a live stream needs from its connection. */
export interface LiveHost {
  /** Opens the connection (reopening a dropped one); emits once it is ready. */
  connect(): Observable<unknown>;
  /** True when a stream that failed with `error` should reconnect on its own (reconnect on, not closed by the client, not a refusal). */
  mayReconnectAfter(error: unknown): boolean;
  /** A live subscriber came (+1) or went (-1): `state$` shows `reconnecting` only while some are. */
  counted(delta: 1 | -1): void;
}

/**
 * `source()`, subscribed again on each new connection after a drop: the subscriber sees one
 * stream across reconnects. The retry waits a tick (never inside the failing connection's
 * teardown); the connection's own backoff spaces failed attempts. Errors that may not be retried
 * (a refusal, a close by the client) end the stream. `scheduler` runs the tick (default: setTimeout).
 */
export function liveAcrossReconnects<T>(host: LiveHost, source: () => Observable<T>, scheduler?: SchedulerLike): Observable<T> {
  return new Observable<T>((subscriber) => {
    host.counted(1);
    let inner: Subscription | undefined;
    let retry: Subscription | undefined;
    const run = (again: boolean) => {
      const from = again ? host.connect().pipe(switchMap(() => source())) : source();
      inner = from.subscribe({
        next: (value) => subscriber.next(value),
        complete: () => subscriber.complete(),
        error: (error) => {
          if (!host.mayReconnectAfter(error)) return subscriber.error(error);
          retry = wait(0, scheduler).subscribe(() => run(true));
        },
      });
    };
    run(false);
    return () => {
      retry?.unsubscribe();
      inner?.unsubscribe();
      host.counted(-1);
    };
  });
}
