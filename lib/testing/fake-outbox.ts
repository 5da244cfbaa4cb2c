/**
 * Everything a {@link FakeAppServer} sends to its client goes out here, in order and never
 * re-entrantly: a message sent while another is being delivered (an answer to a request the
 * client sent in reaction to it, say) waits until that delivery returns, as it would behind a
 * real pipe. Each message is recorded as it goes out, so tests can check what the server said.
 */
import { Subject, type Observable } from 'rxjs';
import type { Notification, NotificationMethod, ServerRequestMessage, ServerRequestMethod } from '../protocol/methods.js';
import type { RequestId } from '../protocol/generated/RequestId.js';

/** A JSON-RPC error as the fake sends it. */
export interface DeliveredError {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** One message the fake sent to the client: `message` is what went on the wire. */
export type DeliveredMessage =
  | { readonly kind: 'notification'; readonly method: NotificationMethod; readonly message: Notification }
  | { readonly kind: 'request'; readonly method: ServerRequestMethod; readonly message: ServerRequestMessage }
  /** The answer to the client's request `message.id`; `method` is that request's method. */
  | {
      readonly kind: 'answer';
      readonly method: string;
      readonly message: { readonly id: RequestId; readonly result: unknown } | { readonly id: RequestId; readonly error: DeliveredError };
    };

/** Sends, in order and one at a time, and records what went out. */
export class FakeOutbox {
  /** Every message sent so far, in order (kept only when recording). */
  readonly delivered: DeliveredMessage[] = [];
  /** Each message as it goes out (hot). */
  readonly delivered$: Observable<DeliveredMessage>;

  private readonly subject = new Subject<DeliveredMessage>();
  private readonly queue: Array<{ readonly entry: DeliveredMessage; readonly due?: () => boolean }> = [];
  private sending = false;
  private closed = false;

  constructor(
    private readonly write: (message: object) => void,
    private readonly record: boolean,
  ) {
    this.delivered$ = this.subject.asObservable();
  }

  /** A notification or a server request (one with an `id`). */
  send(message: Notification | ServerRequestMessage, due?: () => boolean): void {
    const entry: DeliveredMessage =
      'id' in message ? { kind: 'request', method: message.method, message } : { kind: 'notification', method: message.method, message };
    this.enqueue(entry, due);
  }

  /** The answer to the client's request `id` of `method`. */
  answer(method: string, id: RequestId, outcome: { result: unknown } | { error: DeliveredError }): void {
    this.enqueue({ kind: 'answer', method, message: 'error' in outcome ? { id, error: outcome.error } : { id, result: outcome.result } }, undefined);
  }

  /** The connection ended: what is queued and whatever comes later has nobody to go to. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private enqueue(entry: DeliveredMessage, due: (() => boolean) | undefined): void {
    if (this.closed) return;
    this.queue.push({ entry, due });
    if (this.sending) return;
    this.sending = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        if (this.closed) break;
        if (next.due !== undefined && !next.due()) continue;
        if (this.record) this.delivered.push(next.entry);
        this.subject.next(next.entry);
        this.write(next.entry.message);
      }
    } finally {
      this.sending = false;
    }
  }
}
