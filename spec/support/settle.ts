/** Small async helpers for specs that watch Observables and Promises settle. */
import type { Observable, Subscription } from 'rxjs';

/** Resolves after every Promise callback already queued has run (one macrotask). */
export const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** A Promise settled from outside. */
export function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** Records what an Observable did, synchronously visible. */
export function record<T>(observable: Observable<T>) {
  const r = { values: [] as T[], error: undefined as unknown, done: false, subscription: undefined as Subscription | undefined };
  r.subscription = observable.subscribe({ next: (v) => r.values.push(v), error: (e) => (r.error = e), complete: () => (r.done = true) });
  return r;
}
