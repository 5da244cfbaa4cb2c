import { Observable, type Subscriber } from 'rxjs';

/**
 * A hot multicast for the inbound hot path: what rxjs's Subject does, without its per-call
 * closure and iterator (one `next` per inbound notification). Subscribers are kept in an array
 * replaced on (un)subscribe: one added during `next` gets values from the next one, one removed
 * gets nothing more. Late subscribers after the end get the end at once.
 */
export class HotFanout<T> {
  /** Subscribing adds a subscriber; unsubscribing removes it. */
  readonly observable: Observable<T>;
  private subscribers: readonly Subscriber<T>[] = [];
  private ended?: { readonly error?: unknown; readonly failed: boolean };

  constructor() {
    this.observable = new Observable<T>((subscriber) => {
      const ended = this.ended;
      if (ended) {
        if (ended.failed) subscriber.error(ended.error);
        else subscriber.complete();
        return;
      }
      this.subscribers = [...this.subscribers, subscriber];
      return () => {
        const i = this.subscribers.indexOf(subscriber);
        if (i >= 0) this.subscribers = [...this.subscribers.slice(0, i), ...this.subscribers.slice(i + 1)];
      };
    });
  }

  /** True while someone is subscribed. */
  get observed(): boolean {
    return this.subscribers.length > 0;
  }

  next(value: T): void {
    const list = this.subscribers;
    for (let i = 0; i < list.length; i++) list[i]!.next(value);
  }

  error(error: unknown): void {
    this.end({ error, failed: true });
  }

  complete(): void {
    this.end({ failed: false });
  }

  private end(ended: { readonly error?: unknown; readonly failed: boolean }): void {
    if (this.ended) return;
    this.ended = ended;
    const list = this.subscribers;
    this.subscribers = [];
    for (const s of list) {
      if (ended.failed) s.error(ended.error);
      else s.complete();
    }
  }
}
