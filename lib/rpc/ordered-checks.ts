/** How a check ended: its answer, or why it could not answer. */
export type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

interface Waiting<T> {
  settled?: Settled<T>;
  readonly then: (settled: Settled<T>) => void;
}

/**
 * Keeps requests in subscription order while some wait for an asynchronous check (params
 * validators still loading): each answer is handed on only after every earlier one was, so two
 * requests subscribed while the validators load are sent in the order they were subscribed.
 * While nothing waits, callers skip the queue (the synchronous hot path pays nothing).
 */
export class OrderedChecks {
  private readonly queue: Waiting<unknown>[] = [];
  private draining = false;

  /** True when no check is waiting: a synchronous answer may be used at once. */
  get idle(): boolean {
    return this.queue.length === 0;
  }

  /**
   * Queues `answer` (a value or a Promise); `then` gets it once it and every earlier one are in.
   * Returns a cancel: the entry leaves the queue and `then` is never called.
   */
  add<T>(answer: T | PromiseLike<T>, then: (settled: Settled<T>) => void): () => void {
    const entry: Waiting<T> = { then };
    this.queue.push(entry as Waiting<unknown>);
    if (isPromiseLike(answer)) {
      answer.then(
        (value) => this.settle(entry, { ok: true, value }),
        (error: unknown) => this.settle(entry, { ok: false, error }),
      );
    } else {
      this.settle(entry, { ok: true, value: answer });
    }
    return () => {
      const at = this.queue.indexOf(entry as Waiting<unknown>);
      if (at < 0) return;
      this.queue.splice(at, 1);
      this.drain(); // it may have been what the ones behind it waited for
    };
  }

  private settle<T>(entry: Waiting<T>, settled: Settled<T>): void {
    entry.settled = settled;
    this.drain();
  }

  private drain(): void {
    if (this.draining) return; // a `then` that queues or cancels: the running loop picks it up
    this.draining = true;
    try {
      while (this.queue.length > 0 && this.queue[0].settled !== undefined) {
        const head = this.queue.shift()!;
        head.then(head.settled!);
      }
    } finally {
      this.draining = false;
    }
  }
}

/** True for a Promise or any other thenable. */
export function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
