import type WebSocket from 'ws';
import { CloseCode, describeCloseCode } from '../transport/close-codes.js';

/** The limits one client socket runs under (resolved: no undefined). */
export interface TabLimits {
  /** 0 = no idle timeout. */
  readonly idleTimeoutMs: number;
  /** Bytes queued towards a slow client before the principal's upstream is paused until it drains. */
  readonly maxBufferedBytes: number;
}

/** What a tab reports to its principal's hub. */
export interface TabEvents {
  message(tab: Tab, data: Buffer, isBinary: boolean): void;
  /** The tab fell behind (`true`) or caught up (`false`): the hub pauses or resumes its upstream. */
  slow(tab: Tab, slow: boolean): void;
  closed(tab: Tab): void;
}

const DRAIN_POLL_MS = 20;

/**
 * One client WebSocket (a browser tab) of a principal: idle timeout, backpressure, and a close
 * that always ends. Knows nothing of JSON-RPC: its hub does.
 */
export class Tab {
  /** True once the tab's `initialize` was answered: it then receives notifications and server requests. */
  initialized = false;
  private ended = false;
  private lastActivity = Date.now();
  private idleTimer?: NodeJS.Timeout;
  private drainTimer?: NodeJS.Timeout;
  private readonly socketClosed: Promise<void>;

  constructor(
    readonly id: number,
    private readonly socket: WebSocket,
    private readonly limits: TabLimits,
    private readonly events: TabEvents,
    private readonly log: (line: string) => void,
  ) {
    this.socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (this.ended) return;
      this.lastActivity = Date.now();
      events.message(this, data, isBinary);
    });
    // ws closes with 1009 by itself on an oversized frame; the error only says why.
    socket.on('error', (e: Error & { code?: string }) => this.close(e.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? CloseCode.MESSAGE_TOO_BIG : CloseCode.BAD_REQUEST));
    socket.once('close', (code: number) => this.end(code, false));
    if (limits.idleTimeoutMs > 0) this.armIdle(limits.idleTimeoutMs);
  }

  /** Sends one text frame (a server frame as it came, or JSON the hub serialised). */
  send(data: string | Buffer): void {
    if (this.ended) return;
    this.lastActivity = Date.now();
    this.socket.send(data, { binary: false });
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes && !this.drainTimer) {
      this.events.slow(this, true);
      this.drainTimer = setInterval(() => {
        if (this.ended || this.socket.bufferedAmount <= this.limits.maxBufferedBytes / 2) this.stopDrainWatch();
      }, DRAIN_POLL_MS);
    }
  }

  /** Closes the socket with `code` (reason at most 120 bytes); resolves once it is closed. */
  close(code: number = CloseCode.GOING_AWAY, reason = describeCloseCode(code)): Promise<void> {
    this.end(code, true, reason);
    return this.socketClosed;
  }

  private stopDrainWatch(): void {
    if (!this.drainTimer) return;
    clearInterval(this.drainTimer);
    this.drainTimer = undefined;
    this.events.slow(this, false);
  }

  private armIdle(after: number): void {
    this.idleTimer = setTimeout(() => {
      const idle = Date.now() - this.lastActivity;
      if (idle >= this.limits.idleTimeoutMs) this.close(CloseCode.IDLE_TIMEOUT);
      else this.armIdle(this.limits.idleTimeoutMs - idle);
    }, after);
    this.idleTimer.unref();
  }

  private end(code: number, closeSocket: boolean, reason = describeCloseCode(code)): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.idleTimer);
    this.stopDrainWatch();
    this.log(`connection ${this.id}: closed (${code}: ${reason})`);
    if (closeSocket && this.socket.readyState === this.socket.OPEN) {
      this.socket.close(code, Buffer.from(reason).subarray(0, 120).toString());
      // A client that never completes the closing handshake is cut off.
      const cut = setTimeout(() => this.socket.terminate(), 1000);
      cut.unref();
      void this.socketClosed.then(() => clearTimeout(cut));
    } else if (closeSocket && this.socket.readyState === this.socket.CONNECTING) this.socket.terminate();
    this.events.closed(this);
  }
}
