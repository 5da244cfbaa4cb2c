import { Observable, type Subscriber } from 'rxjs';
import { CodexError, ProtocolError, TransportClosedError, ValidationError } from '../errors.js';
import { redactSecrets } from '../secret-redaction.js';
import { parseJsonMessage } from './json-message.js';
import { MalformedLine, type InboundMessage, type Transport } from './transport.js';
import { errorForSocketEnd } from './websocket-close.js';
import { browserSubprotocols, WS_OPEN, type TokenCarrier, type WebSocketConstructor, type WebSocketLike, type WebSocketHost } from './websocket-like.js';
import { mayCarryToken, parseAppServerUrl, type AppServerAddress } from './websocket-url.js';

/** How to reach an app-server (or a codex-rx gateway) over a WebSocket. */
export interface WebSocketTransportOptions {
  /** `ws://`, `wss://`; in Node also `unix:///abs/path.sock` and `unix://` (the local daemon's socket). */
  readonly url: string;
  /** A capability token, or a function giving a fresh one for each connection attempt. Never printed. */
  readonly token?: string | (() => string | Promise<string>);
  /** The WebSocket constructor (default: the host's — `ws` in Node — else `globalThis.WebSocket`). */
  readonly WebSocket?: WebSocketConstructor;
  /** What the host adds (codex-rx/node passes Node's: `ws`, the header, unix sockets); none in a browser. */
  readonly host?: WebSocketHost;
  /** How the token travels: `header` (Authorization: Bearer; Node) or `subprotocol` (browsers). Default: by constructor. */
  readonly tokenCarrier?: TokenCarrier;
  /** Give up connecting after this long (default 10 000 ms). */
  readonly connectTimeoutMs?: number;
  /** Bytes allowed to wait for the network (default 16 MiB); past it the connection fails with ProtocolError. */
  readonly maxBufferedBytes?: number;
  /** Largest inbound message (default 64 MiB); a bigger one fails the connection with ProtocolError. */
  readonly maxMessageBytes?: number;
  /** Node's `ws` only: ping this often and drop a connection that did not answer the last ping (default 30 000 ms; 0 = off). */
  readonly pingIntervalMs?: number;
  /** How long close() waits for the server's close frame before dropping the socket (default 2000 ms). */
  readonly closeGraceMs?: number;
  /** Applied to every text the transport reports (after the token itself is masked). */
  readonly redact?: (text: string) => string;
}

type State = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

/**
 * JSON-RPC over one WebSocket: one message per text frame. Browser-safe (the constructor is
 * injected). Subscribing to `messages$` connects; messages sent before the socket opens wait
 * (bounded). Binary and non-JSON frames become protocol warnings; a close the client did not ask
 * for errors the stream with a typed error carrying the close code and reason.
 */
export class WebSocketTransport implements Transport {
  readonly messages$: Observable<InboundMessage>;

  private readonly address: AppServerAddress;
  private state: State = 'idle';
  private subscriber?: Subscriber<InboundMessage>;
  private socket?: WebSocketLike;
  private queue: string[] = [];
  private queuedBytes = 0;
  private token?: string;
  private lastError?: string;
  private opened = false;
  private alive = true;
  private connectTimer?: ReturnType<typeof setTimeout>;
  /** Stops the host's keep-alive pings (Node). */
  private stopWatch?: () => void;
  private closed?: Promise<void>;
  private resolveClosed?: () => void;
  /** The size limits, defaults applied. */
  private readonly maxMessageBytes: number;
  private readonly maxBufferedBytes: number;

  constructor(private readonly options: WebSocketTransportOptions) {
    if (options === null || typeof options !== 'object') throw new ValidationError('WebSocketTransport', [{ path: '', message: 'needs { url }' }]);
    this.maxMessageBytes = options.maxMessageBytes ?? 64 * 1024 * 1024;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 16 * 1024 * 1024;
    this.address = parseAppServerUrl(options.url);
    const token = options.token;
    if (token !== undefined && typeof token !== 'function' && (typeof token !== 'string' || token === '')) {
      throw new ValidationError('WebSocketTransport', [{ path: 'token', message: 'must be a non-empty string or a function returning one' }]);
    }
    this.checkTokenAllowed(token !== undefined);
    this.messages$ = new Observable<InboundMessage>((subscriber) => {
      if (this.state !== 'idle') {
        subscriber.error(new CodexError('WebSocketTransport.messages$ supports one subscription'));
        return;
      }
      this.subscriber = subscriber;
      this.state = 'connecting';
      this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
      const ms = options.connectTimeoutMs ?? 10_000;
      if (ms > 0) this.connectTimer = setTimeout(() => this.fail(new TransportClosedError(`could not connect to ${this.where} within ${ms} ms`)), ms);
      this.open().catch((e) => this.fail(CodexError.is(e) ? (e as CodexError) : new TransportClosedError(`could not connect to ${this.where}: ${(e as Error)?.message ?? e}`, { cause: e })));
      return () => {
        if (this.state === 'connecting' || this.state === 'open') void this.close();
      };
    });
  }

  /** The server as safe to print: the URL without credentials or query. */
  get where(): string {
    if (this.address.kind === 'unix') return this.address.socketPath ? `unix://${this.address.socketPath}` : 'the local app-server daemon (unix://)';
    try {
      const u = new URL(this.address.url);
      return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
    } catch {
      return 'the app-server';
    }
  }

  /** The subprotocol the server chose, once open ('' if none). */
  get protocol(): string {
    return this.socket?.protocol ?? '';
  }

  send(message: object): void {
    if (this.state !== 'connecting' && this.state !== 'open') throw new TransportClosedError(`the connection to ${this.where} is closed`);
    const text = JSON.stringify(message);
    const limit = this.maxBufferedBytes;
    if (this.state === 'connecting') {
      this.queue.push(text);
      this.queuedBytes += text.length;
      if (this.queuedBytes > limit) this.fail(new ProtocolError(`${this.queuedBytes} bytes wait for the connection to ${this.where} to open (maxBufferedBytes ${limit})`));
      return;
    }
    this.socket!.send(text);
    const buffered = this.socket!.bufferedAmount;
    if (buffered > limit) this.fail(new ProtocolError(`${this.where} is not reading: ${buffered} bytes wait to be sent (maxBufferedBytes ${limit})`));
  }

  /** Node: whether the socket keeps the process alive (see Transport.keepAlive). */
  keepAlive(alive: boolean): void {
    this.alive = alive || this.state === 'closing';
    this.applyKeepAlive();
  }

  close(): Promise<void> {
    if (this.state === 'idle' || this.state === 'closed') {
      this.state = 'closed';
      return this.closed ?? Promise.resolve();
    }
    if (this.state === 'closing') return this.closed!;
    const socket = this.socket;
    const wasOpen = this.state === 'open';
    this.state = 'closing';
    this.stopTimers();
    this.keepAlive(true); // the close handshake is awaited, bounded below
    if (!socket) {
      this.finish();
    } else if (!wasOpen) {
      socket.terminate ? socket.terminate() : socket.close();
      // A browser reports the close of a connecting socket; Node's ws too. Bounded anyway:
      this.graceTimer(socket, 0);
    } else {
      socket.close(1000, 'client closed');
      this.graceTimer(socket, this.options.closeGraceMs ?? 2000);
    }
    return this.closed!;
  }

  private async open(): Promise<void> {
    const platform = this.options.host;
    const Ctor = this.options.WebSocket ?? platform?.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) throw new CodexError('no WebSocket constructor here: pass { WebSocket } (in Node.js 20: npm install ws, which codex-rx/node then uses)');
    const carrier: TokenCarrier =
      this.options.tokenCarrier ?? ((this.options.WebSocket === undefined || this.options.WebSocket === platform?.WebSocket) && platform?.tokenCarrier ? platform.tokenCarrier : 'subprotocol');
    let url: string;
    if (this.address.kind === 'unix') {
      if (!platform?.unixSocketUrl) throw new CodexError('unix:// sockets need Node.js (codex-rx/node)');
      url = platform.unixSocketUrl(this.address.socketPath);
    } else url = this.address.url;

    const given = this.options.token;
    const token = typeof given === 'function' ? await given() : given;
    if (token !== undefined && (typeof token !== 'string' || token === '')) throw new ValidationError('WebSocketTransport', [{ path: 'token', message: 'the token function must return a non-empty string' }]);
    this.token = token;
    if (this.state !== 'connecting') return; // closed while the token was minted

    let socket: WebSocketLike;
    if (carrier === 'header') {
      socket = new Ctor(url, [], {
        headers: token !== undefined ? { Authorization: `Bearer ${token}` } : {},
        maxPayload: this.maxMessageBytes,
      });
    } else {
      socket = new Ctor(url, browserSubprotocols(token));
    }
    this.socket = socket;
    socket.addEventListener('open', () => this.onOpen());
    socket.addEventListener('message', (event: { data: unknown }) => this.onMessage(event.data));
    socket.addEventListener('error', (event: { message?: string; error?: { message?: string } }) => {
      this.lastError = event?.message ?? event?.error?.message ?? this.lastError;
    });
    socket.addEventListener('close', (event: { code?: number; reason?: string }) => this.onClose(event?.code ?? 1006, event?.reason ?? ''));
  }

  private onOpen(): void {
    if (this.state !== 'connecting') return;
    this.state = 'open';
    this.opened = true;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    const queued = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    for (const text of queued) this.socket!.send(text);
    this.startPings();
    this.applyKeepAlive();
  }

  private onMessage(data: unknown): void {
    if (this.state !== 'open') return;
    if (typeof data === 'string') {
      const limit = this.maxMessageBytes;
      if (data.length > limit) {
        this.fail(new ProtocolError(`${this.where} sent a message larger than ${limit} bytes`));
        return;
      }
      this.subscriber?.next(parseJsonMessage(data));
      return;
    }
    const size = (data as { byteLength?: number; size?: number; length?: number } | null)?.byteLength ?? (data as { size?: number })?.size ?? 0;
    this.subscriber?.next(new MalformedLine('', `a binary frame of ${size} bytes (the app-server speaks JSON in text frames)`));
  }

  private onClose(code: number, reason: string): void {
    if (this.state === 'closing') {
      this.finish();
      return;
    }
    if (this.state === 'closed') return;
    this.fail(errorForSocketEnd({ code, reason: this.redact(reason), errorMessage: this.lastError && this.redact(this.lastError), opened: this.opened, where: this.where, maxMessageBytes: this.maxMessageBytes }));
  }

  /** Keep-alive pings where the host has them (Node's `ws`; a browser pings on its own). */
  private startPings(): void {
    const every = this.options.pingIntervalMs ?? 30_000;
    this.stopWatch = this.options.host?.watchLiveness?.(this.socket!, every, () =>
      this.fail(new TransportClosedError(`${this.where} did not answer a ping within ${every} ms: the connection is half-open`, { closeCode: 1006 })),
    );
  }

  /** Ends the stream with `error` and drops the socket. */
  private fail(error: CodexError): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    this.state = 'closed';
    this.stopTimers();
    const socket = this.socket;
    if (socket) {
      try {
        socket.terminate ? socket.terminate() : socket.close();
      } catch {
        // already gone
      }
    }
    this.queue = [];
    this.subscriber?.error(this.redactError(error));
    this.resolveClosed?.();
  }

  private finish(): void {
    this.state = 'closed';
    this.stopTimers();
    this.subscriber?.complete();
    this.resolveClosed?.();
  }

  private graceTimer(socket: WebSocketLike, ms: number): void {
    const t = setTimeout(() => {
      if (this.state !== 'closing') return;
      try {
        socket.terminate?.();
      } catch {
        // already gone
      }
      this.finish();
    }, ms);
    void this.closed!.then(() => clearTimeout(t));
  }

  private stopTimers(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.stopWatch?.();
    this.connectTimer = undefined;
    this.stopWatch = undefined;
  }

  private applyKeepAlive(): void {
    if (this.socket) this.options.host?.keepSocketAlive?.(this.socket, this.alive);
  }

  /** Refuses to send a token in clear text to another machine (as `codex --remote` does). */
  private checkTokenAllowed(hasToken: boolean): void {
    if (hasToken && !mayCarryToken(this.address)) {
      throw new ValidationError('WebSocketTransport', [
        { path: 'url', message: `refusing to send a token over plain ws:// to ${this.where}, which is not this machine: use wss://` },
      ]);
    }
  }

  private redact(text: string): string {
    let out = redactSecrets(text, [this.token]);
    if (this.options.redact) out = this.options.redact(out);
    return out;
  }

  private redactError(error: CodexError): CodexError {
    const clean = this.redact(error.message);
    if (clean !== error.message) Object.defineProperty(error, 'message', { value: clean, configurable: true, writable: true });
    return error;
  }
}
