import { Subscriber } from 'rxjs';

/**
 * The connection's subscriber to its transport. An rxjs Subscriber subclass is used by
 * `subscribe()` as it is, so each inbound message reaches the connection in one call — not
 * through the SafeSubscriber → ConsumerObserver layers a plain observer object gets (the hot path
 * of every message). The callbacks must not throw (the connection's never do).
 */
export class InboundSubscriber<T> extends Subscriber<T> {
  constructor(
    private readonly onMessage: (message: T) => void,
    private readonly onError: (error: unknown) => void,
    private readonly onComplete: () => void,
  ) {
    super();
  }

  protected override _next(message: T): void {
    this.onMessage(message);
  }

  protected override _error(error: unknown): void {
    try {
      this.onError(error);
    } finally {
      this.unsubscribe();
    }
  }

  protected override _complete(): void {
    try {
      this.onComplete();
    } finally {
      this.unsubscribe();
    }
  }
}
