import type WebSocket from 'ws';
import { MethodNotAllowedError } from '../errors.js';
import { CloseCode, describeCloseCode } from '../transport/close-codes.js';
import type { PolicyCheck } from './policy.js';
import type { Upstream, UpstreamEvents } from './upstream.js';

/** The limits one client connection runs under (resolved: no undefined). */
export interface SessionLimits {
  readonly maxMessagesPerSecond: number;
  /** 0 = no idle timeout. */
  readonly idleTimeoutMs: number;
  /** Bytes queued towards a slow client before the upstream is paused until it drains. */
  readonly maxBufferedBytes: number;
}

/** Counters a session updates on the gateway's stats. */
export interface SessionCounters {
  /** Client sockets open now. */
  connections: number;
  upstreams: number;
  denied: number;
  forwarded: number;
  delivered: number;
  limited: number;
}

const DRAIN_POLL_MS = 20;

/** Server requests a client may still answer, at most; the oldest is forgotten first. */
export const MAX_ASKED_REQUESTS = 1000;

/** How far into a frame `"method":"` may start for the frame to count as a possible request. */
const HEAD_CHARS = 256;
const ID_FIRST = '{"id":';
const METHOD_FIRST = '{"method":"';
const METHOD_KEY = '"method":"';
const ID_KEY = ',"id":';
const ID_FIRST_BYTES = Buffer.from(ID_FIRST);
const METHOD_FIRST_BYTES = Buffer.from(METHOD_FIRST);
const ID_KEY_BYTES = Buffer.from(ID_KEY);
const QUOTE = 0x22;

/**
 * The id of a server→client request in an app-server frame, as a key (its JSON text), else
 * undefined. Frames are relayed unparsed, so only a frame that can be a request is parsed: one
 * that starts `{"id":…` with `"method":"` in its head, or `{"method":"…","id":…`. The test reads
 * the frame in place (no copy): notifications, which start `{"method":"…","params"`, are most
 * of what an app-server sends; answers have no top-level `method`.
 */
export function serverRequestKey(data: string | Buffer): string | undefined {
  if (!(typeof data === 'string' ? textMayBeRequest(data) : bytesMayBeRequest(data))) return undefined;
  try {
    const m = JSON.parse(typeof data === 'string' ? data : data.toString('utf8')) as { id?: unknown; method?: unknown };
    return typeof m.method === 'string' && (typeof m.id === 'number' || typeof m.id === 'string') ? JSON.stringify(m.id) : undefined;
  } catch {
    return undefined;
  }
}

function textMayBeRequest(text: string): boolean {
  if (text.startsWith(ID_FIRST)) {
    const at = text.indexOf(METHOD_KEY, ID_FIRST.length);
    return at >= 0 && at < HEAD_CHARS;
  }
  if (!text.startsWith(METHOD_FIRST)) return false;
  const end = text.indexOf('"', METHOD_FIRST.length);
  return end > 0 && text.startsWith(ID_KEY, end + 1);
}

function bytesMayBeRequest(bytes: Buffer): boolean {
  if (bytesAt(bytes, ID_FIRST_BYTES, 0)) {
    const at = bytes.indexOf(METHOD_KEY, ID_FIRST.length);
    return at >= 0 && at < HEAD_CHARS;
  }
  if (!bytesAt(bytes, METHOD_FIRST_BYTES, 0)) return false;
  let end = METHOD_FIRST.length;
  while (end < bytes.length && bytes[end] !== QUOTE) end++;
  return bytesAt(bytes, ID_KEY_BYTES, end + 1);
}

/** True when `bytes` holds `part` at `at`. A loop in JS: a call into Buffer's native compare costs more than these few bytes. */
function bytesAt(bytes: Uint8Array, part: Uint8Array, at: number): boolean {
  if (bytes.length < at + part.length) return false;
  for (let i = 0; i < part.length; i++) if (bytes[at + i] !== part[i]) return false;
  return true;
}

/**
 * One client connection: applies the method policy to what the client sends, relays what the
 * app-server sends unparsed, enforces the limits, and ends the upstream when either side ends.
 */
export class GatewaySession {
  private upstream?: Upstream;
  private upstreamClosed: Promise<void> = Promise.resolve();
  private ended = false;
  private windowStart = 0;
  private windowCount = 0;
  private lastActivity = Date.now();
  private idleTimer?: NodeJS.Timeout;
  private drainTimer?: NodeJS.Timeout;
  /** Ids (as JSON) of the server requests this client was sent and has not answered. */
  private readonly asked = new Set<string>();
  private readonly socketClosed: Promise<void>;
  private readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    readonly id: number,
    private readonly socket: WebSocket,
    private readonly auth: unknown,
    private readonly policy: PolicyCheck,
    private readonly limits: SessionLimits,
    private readonly counters: SessionCounters,
    private readonly log: (line: string) => void,
  ) {
    counters.connections++;
    this.socketClosed = new Promise((resolve) =>
      socket.once('close', () => {
        counters.connections--;
        resolve();
      }),
    );
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    socket.on('message', (data: Buffer, isBinary: boolean) => this.fromClient(data, isBinary));
    // ws closes with 1009 by itself on an oversized frame; the error only says why.
    socket.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.end(CloseCode.MESSAGE_TOO_BIG, true);
      else this.end(CloseCode.BAD_REQUEST, true);
    });
    socket.once('close', (code: number) => this.end(code, false));
    if (limits.idleTimeoutMs > 0) this.armIdle(limits.idleTimeoutMs);
  }

  /** Starts the upstream; a throwing opener ends the session with UPSTREAM_FAILED. */
  attach(open: (events: UpstreamEvents) => Upstream): void {
    if (this.ended) return;
    const events: UpstreamEvents = {
      message: (data) => this.fromServer(data),
      failed: (reason) => {
        this.log(`connection ${this.id}: ${reason}`);
        this.end(CloseCode.UPSTREAM_FAILED, true, reason);
      },
    };
    try {
      this.upstream = open(events);
    } catch (e) {
      this.log(`connection ${this.id}: could not start the upstream: ${(e as Error).message}`);
      this.end(CloseCode.UPSTREAM_FAILED, true, 'could not start the app-server');
      return;
    }
    this.counters.upstreams++;
  }

  /** Ends the connection with `code` and the upstream with it; resolves once both are gone. */
  close(code: number = CloseCode.GOING_AWAY): Promise<void> {
    this.end(code, true);
    return this.finished();
  }

  /** Resolves once the session ended and its client socket and upstream are both gone. */
  finished(): Promise<void> {
    return this.done;
  }

  private fromClient(data: Buffer, isBinary: boolean): void {
    if (this.ended) return;
    const now = Date.now();
    this.lastActivity = now;
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    if (++this.windowCount > this.limits.maxMessagesPerSecond) return this.limit(CloseCode.TOO_MANY_MESSAGES);
    if (isBinary) return this.end(CloseCode.BAD_REQUEST, true, 'binary frames are not JSON-RPC');
    const text = data.toString('utf8');
    let message: { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      return this.end(CloseCode.BAD_REQUEST, true, 'not JSON');
    }
    if (message === null || typeof message !== 'object' || Array.isArray(message)) return this.end(CloseCode.BAD_REQUEST, true, 'not a JSON-RPC message');
    if (message.method !== undefined) {
      if (typeof message.method !== 'string') return this.end(CloseCode.BAD_REQUEST, true, 'method must be a string');
      const why = this.policy(message.method, message.params, this.auth);
      if (why !== undefined) return this.deny(message.method, message.id, why);
    } else if (message.id === undefined || (message.result === undefined && message.error === undefined)) {
      // Neither a request, a notification nor an answer to a server request.
      return this.end(CloseCode.BAD_REQUEST, true, 'not a JSON-RPC message');
    } else if (!this.asked.delete(JSON.stringify(message.id))) {
      // An answer to nothing this client was asked (forged, or a second answer): never forwarded.
      this.counters.denied++;
      this.log(`connection ${this.id}: refused an answer to request ${JSON.stringify(message.id).slice(0, 40)}, which it was not asked`);
      return;
    }
    this.counters.forwarded++;
    this.upstream?.send(text);
  }

  private deny(method: string, id: unknown, reason: string): void {
    this.counters.denied++;
    this.log(`connection ${this.id}: refused ${method} (${reason})`);
    // A notification gets no answer; a request gets the error the client maps to MethodNotAllowedError.
    if (id === undefined || id === null) return;
    const error = { code: MethodNotAllowedError.CODE, message: `${method} is not allowed by the gateway`, data: { method, reason } };
    this.socket.send(JSON.stringify({ id, error }));
  }

  private fromServer(data: string | Buffer): void {
    if (this.ended) return;
    this.lastActivity = Date.now();
    this.counters.delivered++;
    const asked = serverRequestKey(data);
    if (asked !== undefined) {
      this.asked.delete(asked); // a reused id moves to the end
      this.asked.add(asked);
      if (this.asked.size > MAX_ASKED_REQUESTS) this.asked.delete(this.asked.values().next().value as string);
    }
    // Passed on as it came: a text frame, never re-serialised.
    this.socket.send(data, { binary: false });
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes && !this.drainTimer) {
      this.upstream?.pause();
      this.drainTimer = setInterval(() => {
        if (this.ended || this.socket.bufferedAmount <= this.limits.maxBufferedBytes / 2) {
          clearInterval(this.drainTimer);
          this.drainTimer = undefined;
          if (!this.ended) this.upstream?.resume();
        }
      }, DRAIN_POLL_MS);
    }
  }

  private limit(code: number): void {
    this.counters.limited++;
    this.end(code, true);
  }

  private armIdle(after: number): void {
    this.idleTimer = setTimeout(() => {
      const idle = Date.now() - this.lastActivity;
      if (idle >= this.limits.idleTimeoutMs) this.limit(CloseCode.IDLE_TIMEOUT);
      else this.armIdle(this.limits.idleTimeoutMs - idle);
    }, after);
    this.idleTimer.unref();
  }

  private end(code: number, closeSocket: boolean, reason = describeCloseCode(code)): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.idleTimer);
    clearInterval(this.drainTimer);
    this.log(`connection ${this.id}: closed (${code}: ${reason})`);
    if (closeSocket && this.socket.readyState === this.socket.OPEN) {
      // Close reasons are limited to 123 bytes.
      this.socket.close(code, reason.slice(0, 120));
      // A client that never completes the closing handshake is cut off.
      const cut = setTimeout(() => this.socket.terminate(), 1000);
      cut.unref();
      void this.socketClosed.then(() => clearTimeout(cut));
    }
    this.closeUpstream();
    void Promise.all([this.socketClosed, this.upstreamClosed]).then(() => this.resolveDone());
  }

  private closeUpstream(): void {
    const upstream = this.upstream;
    if (!upstream) return;
    this.upstream = undefined;
    this.upstreamClosed = upstream.close().finally(() => this.counters.upstreams--);
  }
}
