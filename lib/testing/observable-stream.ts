import type { Observable, Subscription } from 'rxjs';

/** One thing an Observable did. */
export type StreamEvent<T> = { type: 'next'; value: T } | { type: 'error'; error: unknown } | { type: 'complete' };

/** Default wait for the next event. */
export const DEFAULT_TAKE_TIMEOUT_MS = 1000;

interface Waiter<T> {
  resolve(event: StreamEvent<T>): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Subscribes to an Observable at once and queues what it does, so async tests can read a real
 * stream step by step (after Apollo Client's `ObservableStream`):
 *
 * ```ts
 * const stream = new ObservableStream(connection.request('model/list', {}));
 * expect(await stream.takeNext()).toEqual({ data: [] });
 * await stream.takeComplete();
 * ```
 */
export class ObservableStream<T> {
  private readonly events: StreamEvent<T>[] = [];
  private readonly waiters: Waiter<T>[] = [];
  private readonly subscription: Subscription;

  constructor(observable: Observable<T>) {
    this.subscription = observable.subscribe({
      next: (value) => this.push({ type: 'next', value }),
      error: (error) => this.push({ type: 'error', error }),
      complete: () => this.push({ type: 'complete' }),
    });
  }

  /** True once the stream errored or completed (or was unsubscribed). */
  get closed(): boolean {
    return this.subscription.closed;
  }

  /** Resolves with the next value; rejects when the next event is not a value or none comes in time. */
  async takeNext(timeoutMs = DEFAULT_TAKE_TIMEOUT_MS): Promise<T> {
    const event = await this.take(timeoutMs);
    if (event.type !== 'next') throw new Error(`expected a value, got ${describe(event)}`);
    return event.value;
  }

  /** Resolves with the error; rejects when the next event is not an error or none comes in time. */
  async takeError(timeoutMs = DEFAULT_TAKE_TIMEOUT_MS): Promise<unknown> {
    const event = await this.take(timeoutMs);
    if (event.type !== 'error') throw new Error(`expected an error, got ${describe(event)}`);
    return event.error;
  }

  /** Resolves on completion; rejects when the next event is not completion or none comes in time. */
  async takeComplete(timeoutMs = DEFAULT_TAKE_TIMEOUT_MS): Promise<void> {
    const event = await this.take(timeoutMs);
    if (event.type !== 'complete') throw new Error(`expected completion, got ${describe(event)}`);
  }

  /** Resolves when nothing at all happens for `ms`; rejects with the event otherwise. */
  async expectNoEvent(ms = 20): Promise<void> {
    const event = await this.take(ms).catch(() => undefined);
    if (event) throw new Error(`expected no event, got ${describe(event)}`);
  }

  /** Every event received and not yet taken. */
  peekAll(): readonly StreamEvent<T>[] {
    return [...this.events];
  }

  /** Stops listening and cancels pending takes. */
  unsubscribe(): void {
    this.subscription.unsubscribe();
    for (const w of this.waiters.splice(0)) clearTimeout(w.timer);
  }

  private take(timeoutMs: number): Promise<StreamEvent<T>> {
    const queued = this.events.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise<StreamEvent<T>>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new Error(`no event within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private push(event: StreamEvent<T>): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(event);
    } else {
      this.events.push(event);
    }
  }
}

function describe(event: StreamEvent<unknown>): string {
  switch (event.type) {
    case 'next':
      return `value ${safeJson(event.value)}`;
    case 'error':
      return `error ${event.error instanceof Error ? `${event.error.name}: ${event.error.message}` : safeJson(event.error)}`;
    case 'complete':
      return 'completion';
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
