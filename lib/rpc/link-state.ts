import type { ConnectionState } from './connection-types.js';

/**
 * Where a client's connection is, as a UI shows it (`codex.state$`):
 * - `idle`: nothing opened yet (or, after a drop, nothing live needs it: the next call reconnects);
 * - `connecting`: the first connection is being opened;
 * - `open`: connected and initialized;
 * - `reconnecting`: the connection dropped and codex-rx is opening a new one (with `reconnect`);
 * - `closed`: closed by the client, or dropped for good (no `reconnect`, or a refusal such as
 *   AuthenticationError, which is never retried on its own).
 */
export type CodexState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** What {@link codexState} decides from. */
export interface LinkFacts {
  readonly state: ConnectionState;
  /** 1 for the first connection, +1 per reopening. */
  readonly generation: number;
  /** `close()` was called. */
  readonly closedByClient: boolean;
  /** After a drop: `reconnect` is on and the drop may be retried (not a refusal). */
  readonly retryable: boolean;
  /** Live subscribers that reconnect on their own (notifications$, live states, attached turns). */
  readonly live: number;
}

/** The UI state of a connection (pure). */
export function codexState(f: LinkFacts): CodexState {
  if (f.closedByClient) return 'closed';
  switch (f.state) {
    case 'ready':
      return 'open';
    case 'connecting':
      return f.generation > 1 ? 'reconnecting' : 'connecting';
    case 'idle':
      return f.generation > 1 && f.live > 0 ? 'reconnecting' : 'idle';
    case 'closed':
      if (!f.retryable) return 'closed';
      return f.live > 0 ? 'reconnecting' : 'idle';
  }
}
