import { Observable, type SchedulerLike } from 'rxjs';

// Why not rxjs's `timer`: it brings rxjs's async scheduler (AsyncAction, AsyncScheduler, the
// interval provider… ≈ 2.5 KiB minified) into a page's first load, for the few delays the client
// needs (a request's timeout, a reconnect's backoff, a live stream's retry, an approval's
// timeout). By default this is the host's setTimeout as an Observable; a `scheduler` given to
// the client (a TestScheduler in marble tests) runs these delays instead.

/** Emits once after `ms` milliseconds (on `scheduler` when given), then completes; unsubscribing cancels it. */
export function wait(ms: number, scheduler?: SchedulerLike): Observable<void> {
  return new Observable<void>((subscriber) => {
    const done = () => {
      subscriber.next();
      subscriber.complete();
    };
    if (scheduler) return scheduler.schedule(done, ms);
    const handle = setTimeout(done, ms);
    return () => clearTimeout(handle);
  });
}
