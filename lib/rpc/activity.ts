import type { ConnectionState } from './connection-types.js';

/** Releases what a `hold()` took; calling it again does nothing. */
export type Release = () => void;

/**
 * Whether the connection keeps the host process alive. Everything in flight — a request, a server
 * request being answered, a routed turn, a `notifications$` subscriber, a `keepAlive()` source —
 * takes a hold while it lives and releases it when it ends, so the transport hears
 * `keepAlive(busy)` only when "anything in flight" flips. While connecting the connection is busy
 * whatever is held (the handshake is in flight); before the first use it reports nothing, so an
 * unused client never touches its transport.
 */
export class Activity {
  private holds = 0;
  private alive?: boolean;

  constructor(
    private readonly state: () => ConnectionState,
    private readonly report: (alive: boolean) => void,
  ) {}

  /** True while the transport was last told to keep the process alive. */
  get keepsProcessAlive(): boolean {
    return this.alive === true;
  }

  /** Keeps the connection busy until the returned release is called (a second call does nothing). */
  hold(): Release {
    if (this.holds++ === 0) this.update();
    let released = false;
    return () => {
      if (released) return; // one hold, one decrement: a double release must not free someone else's hold
      released = true;
      if (--this.holds === 0) this.update();
    };
  }

  /** Tells the transport if busy flipped; call after the connection's state changed. */
  update(): void {
    const state = this.state();
    if (state === 'idle') return;
    const busy = state === 'connecting' || (state === 'ready' && this.holds > 0);
    if (busy === this.alive) return;
    this.alive = busy;
    this.report(busy);
  }

  /** The connection ended: a transport told to keep the process alive is told, once, to stop. */
  ended(): void {
    if (!this.alive) return;
    this.alive = false;
    this.report(false);
  }

  /** A new transport (reconnect): nothing was reported to it yet. */
  reset(): void {
    this.alive = undefined;
  }
}
