/**
 * A Transport wrapper for samples that want to see (or bend) the wire: it records every message
 * the client sends, and may answer a request itself instead of passing it to the app-server —
 * e.g. to play an overloaded server. Everything else goes through unchanged.
 */
import { merge, Observable, Subject } from 'rxjs';
import type { Transport } from '../../lib/index.js';

/** A JSON-RPC message as the client wrote it. */
export interface WireMessage {
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: unknown;
}

export class WireTap implements Transport {
  /** Every message the client sent, in order (including those answered by `answerInstead`). */
  readonly sent: WireMessage[] = [];
  readonly messages$: Observable<unknown>;
  private readonly injected = new Subject<unknown>();

  constructor(
    private readonly inner: Transport,
    /** Return a reply (`{ id, result }` or `{ id, error }`) to answer a request here. */
    private readonly answerInstead?: (message: WireMessage) => object | undefined,
  ) {
    this.messages$ = merge(inner.messages$, this.injected);
  }

  /** The params of each request of `method` sent so far. */
  paramsOf(method: string): unknown[] {
    return this.sent.filter((m) => m.method === method && m.id !== undefined).map((m) => m.params);
  }

  send(message: object): void {
    const copy = JSON.parse(JSON.stringify(message)) as WireMessage;
    this.sent.push(copy);
    const reply = this.answerInstead?.(copy);
    if (reply === undefined) this.inner.send(message);
    else queueMicrotask(() => this.injected.next(reply)); // as if it came back from the server
  }

  close(): Promise<void> {
    this.injected.complete();
    return this.inner.close();
  }

  keepAlive(alive: boolean): void {
    this.inner.keepAlive?.(alive);
  }
}
