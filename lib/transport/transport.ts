import type { Observable } from 'rxjs';

/** A line that was not JSON: reported as a protocol warning, never fatal. */
export class MalformedLine {
  constructor(
    readonly text: string,
    readonly reason: string,
  ) {}
}

/** What a transport delivers: a parsed JSON value, or a line that did not parse. */
export type InboundMessage = unknown;

/**
 * Moves JSON-RPC messages to and from an app-server. Implementations: stdio (a child process),
 * in-memory (tests), WebSocket (next). Only transports know bytes.
 */
export interface Transport {
  /**
   * Inbound messages. Subscribing starts the transport (e.g. spawns the process); one subscriber.
   * Errors with `TransportClosedError` when the peer goes away, with `ProtocolError` when it
   * breaks framing; completes after `close()`.
   */
  readonly messages$: Observable<InboundMessage>;
  /** Writes one message. Messages never interleave. Throws `TransportClosedError` when closed. */
  send(message: object): void;
  /** Ends the connection: graceful first, then forced. Idempotent. */
  close(): Promise<void>;
  /**
   * Whether the transport may keep the host process alive (Node: ref/unref its handles). The
   * connection says `false` while nothing is in flight, so that a client dropped without
   * `close()` does not keep a script running; `true` again as soon as anything starts.
   * Optional: transports without such handles ignore it.
   */
  keepAlive?(alive: boolean): void;
}
