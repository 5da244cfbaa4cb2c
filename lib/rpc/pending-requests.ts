import type { SchedulerLike, Subscriber, Subscription } from 'rxjs';
import { wait } from './wait.js';
import { RequestTimeoutError } from '../errors.js';
import type { Release } from './activity.js';
import type { RequestId } from './message.js';

/** A request the client sent whose answer has not arrived. */
export interface PendingRequest {
  readonly method: string;
  readonly subscriber: Subscriber<unknown>;
}

interface Entry extends PendingRequest {
  readonly release: Release;
  timeout?: Subscription;
}

/**
 * The client's requests awaiting an answer, by JSON-RPC id. Ids are the connection's own
 * counter: the server's requests use their own id space, so the two never collide. Each entry
 * holds the connection alive (see `Activity`) until it is answered, forgotten, timed out or failed.
 */
export class PendingRequests {
  private readonly entries = new Map<RequestId, Entry>();
  private nextId = 1;

  constructor(
    private readonly hold: () => Release,
    /** Runs the deadlines (default: the host's setTimeout). */
    private readonly scheduler?: SchedulerLike,
  ) {}

  /** Requests awaiting their answer. */
  get size(): number {
    return this.entries.size;
  }

  /** Registers a request under a fresh id (before it is written, so an immediate answer finds it). */
  add(method: string, subscriber: Subscriber<unknown>): RequestId {
    const id = this.nextId++;
    this.entries.set(id, { method, subscriber, release: this.hold() });
    return id;
  }

  /** Fails the request with RequestTimeoutError unless it is answered within `ms`. */
  expireAfter(id: RequestId, ms: number): void {
    const entry = this.entries.get(id);
    if (!entry) return; // answered while being written
    entry.timeout = wait(ms, this.scheduler).subscribe(() => {
      this.remove(id, entry);
      entry.subscriber.error(new RequestTimeoutError(entry.method, ms));
    });
  }

  /** Removes and returns the request an answer is for; undefined when `id` is not pending. */
  take(id: RequestId): PendingRequest | undefined {
    const entry = this.entries.get(id);
    if (entry) this.remove(id, entry);
    return entry;
  }

  /** Stops waiting for an answer (the caller unsubscribed, or the write failed). */
  forget(id: RequestId): void {
    this.take(id);
  }

  /** The connection is gone: every pending request errors with `error`, at once. */
  failAll(error: unknown): void {
    const entries = [...this.entries.values()];
    this.entries.clear();
    // Released before erroring, so no subscriber's reaction sees a request still holding.
    for (const entry of entries) {
      entry.timeout?.unsubscribe();
      entry.release();
    }
    for (const entry of entries) entry.subscriber.error(error);
  }

  private remove(id: RequestId, entry: Entry): void {
    entry.timeout?.unsubscribe();
    this.entries.delete(id);
    entry.release();
  }
}
