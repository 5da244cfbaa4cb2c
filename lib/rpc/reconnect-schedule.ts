import { backoffDelay } from './backoff.js';
import type { ReconnectOptions } from './connection-types.js';

/**
 * When the next connection attempt may start (reconnect). A drop of a working connection
 * reconnects at once — the server was fine a moment ago; each failed attempt in a row doubles the
 * wait (with jitter, so many clients of one restarted server do not retry in step).
 */
export class ReconnectSchedule {
  private failedAttempts = 0;
  private nextAttemptAt = 0;

  constructor(private readonly options: ReconnectOptions) {}

  /** Milliseconds the next attempt must still wait; 0 or less means now. */
  wait(now: number = Date.now()): number {
    return this.nextAttemptAt - now;
  }

  /** The handshake passed: a later drop reconnects at once. */
  succeeded(): void {
    this.failedAttempts = 0;
    this.nextAttemptAt = 0;
  }

  /** The connection ended without the client closing it; `wasReady` when the handshake had passed. */
  dropped(wasReady: boolean, now: number = Date.now()): void {
    this.failedAttempts = wasReady ? 0 : this.failedAttempts + 1;
    this.nextAttemptAt =
      this.failedAttempts === 0
        ? 0
        : now +
          backoffDelay(this.failedAttempts, {
            initialDelayMs: this.options.initialDelayMs ?? 250,
            maxDelayMs: this.options.maxDelayMs ?? 10_000,
            jitterRatio: 0.5,
            random: this.options.random ?? Math.random,
          });
  }
}
