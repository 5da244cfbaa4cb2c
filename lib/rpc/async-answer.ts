import { from, isObservable, type Observable, type ObservableInput } from 'rxjs';

/** True for an answer that arrives later: an Observable or a Promise (any thenable). */
export function isAsyncAnswer(value: unknown): value is ObservableInput<unknown> {
  return isObservable(value) || (value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function');
}

/** An answer given as a value, a Promise or an Observable, as an Observable. */
export function answerAsObservable(value: unknown): Observable<unknown> {
  return isAsyncAnswer(value) ? from(value) : from([value]);
}
