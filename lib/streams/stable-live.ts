import { ReplaySubject, share, type Observable } from 'rxjs';

/**
 * One live state shared by every subscriber of a `$` property: the first subscriber starts it
 * (e.g. sends its read), later ones get the latest value at once, and it stops when the last one
 * leaves, so the next subscriber starts afresh (a new read). An error or completion resets it
 * the same way. Build it once per instance: Angular's `async` pipe reads a property on every
 * change detection, and must get the same object each time.
 */
export function stableLive<T>(source: Observable<T>): Observable<T> {
  return source.pipe(share({ connector: () => new ReplaySubject<T>(1), resetOnError: true, resetOnComplete: true, resetOnRefCountZero: true }));
}
