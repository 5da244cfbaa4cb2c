import { Observable, Subject, type Subscriber } from 'rxjs';
import { CodexError, TransportClosedError } from '../errors.js';
import { DEFAULT_MAX_LINE_BYTES, LineDecoder } from './line-decoder.js';
import { parseJsonMessage } from './json-message.js';
import type { InboundMessage, Transport } from './transport.js';

/** A message the client sent, as the fake server sees it. */
export type SentMessage = { id?: string | number; method?: string; params?: unknown; result?: unknown; error?: unknown };

/** Answers a request the client sent; throw `{ code, message }` (or a JsonRpcError) to answer with an error. */
export type FakeRequestHandler = (params: any, message: SentMessage) => unknown;

/** What `initialize` answers by default. */
export const FAKE_INITIALIZE_RESPONSE = Object.freeze({
  userAgent: 'codex_cli_rs/0.171.0 (in-memory) codex-rx',
  codexHome: '/tmp/codex-home',
  platformFamily: 'unix',
  platformOs: 'linux',
});

/**
 * An app-server in memory, for unit and marble tests of code built on codex-rx: deliver messages
 * with `emit()` (synchronously), answer requests with `onRequest()` (or by hand from `sent$`),
 * kill it with `fail()`. Raw text goes through the same JSONL framing as stdio with `write()`.
 */
export class InMemoryTransport implements Transport {
  readonly messages$: Observable<InboundMessage>;
  /** Every message the client sent, hot. */
  readonly sent$: Observable<SentMessage>;
  /** Every message the client sent, in order (cleared by `clearSent()`; unbounded: pass `recordSent: false` for long runs). */
  readonly sent: SentMessage[] = [];

  private readonly sentSubject = new Subject<SentMessage>();
  private readonly handlers = new Map<string, FakeRequestHandler>();
  private readonly decoder: LineDecoder;
  private subscriber?: Subscriber<InboundMessage>;
  private ended = false;
  private _closedByClient = false;
  private readonly record: boolean;
  private alive = true;

  constructor(options: { initializeResponse?: object | null; maxLineBytes?: number; recordSent?: boolean } = {}) {
    this.decoder = new LineDecoder(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    this.record = options.recordSent ?? true;
    if (options.initializeResponse !== null) {
      const init = options.initializeResponse ?? FAKE_INITIALIZE_RESPONSE;
      this.onRequest('initialize', () => init);
    }
    this.sent$ = this.sentSubject.asObservable();
    this.messages$ = new Observable<InboundMessage>((subscriber) => {
      // Closed before anyone subscribed: refused, as StdioTransport and WebSocketTransport do.
      if (this.subscriber || this.ended || this._closedByClient) {
        subscriber.error(new CodexError('InMemoryTransport.messages$ supports one subscription'));
        return;
      }
      this.subscriber = subscriber;
      return () => {
        this.ended = true;
      };
    });
  }

  /** True once the client subscribed (the fake "process" started). */
  get started(): boolean {
    return this.subscriber !== undefined;
  }

  /** True once the client called `close()`. */
  get closedByClient(): boolean {
    return this._closedByClient;
  }

  /** Answers every request of `method` with the handler's return value (or its thrown error). */
  onRequest(method: string, handler: FakeRequestHandler): this {
    this.handlers.set(method, handler);
    return this;
  }

  /** Delivers one message (a notification, a response, a server request) to the client, synchronously. */
  emit(message: object): void {
    this.live().next(message);
  }

  /** Delivers `{ method, params }`. */
  notify(method: string, params?: unknown): void {
    this.emit(params === undefined ? { method } : { method, params });
  }

  /** Answers the client's request `id`. */
  respond(id: string | number, result: unknown): void {
    this.emit({ id, result });
  }

  /** Answers the client's request `id` with a JSON-RPC error. */
  respondError(id: string | number, code: number, message: string, data?: unknown): void {
    this.emit({ id, error: data === undefined ? { code, message } : { code, message, data } });
  }

  /** Delivers raw bytes or text through JSONL framing, as a process's stdout would. */
  write(chunk: string | Uint8Array): void {
    const subscriber = this.live();
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    try {
      this.decoder.push(bytes, (line) => subscriber.next(parseJsonMessage(line)));
    } catch (e) {
      this.fail(e as CodexError);
    }
  }

  /** The "process" dies: the client's inbound stream errors (default: TransportClosedError). */
  fail(error: unknown = new TransportClosedError('in-memory app-server died', { exitCode: 1 })): void {
    const s = this.live();
    this.ended = true;
    s.error(error);
  }

  /** The "process" exits cleanly: the inbound stream completes. */
  end(): void {
    const s = this.live();
    this.decoder.end((line) => s.next(parseJsonMessage(line)));
    this.ended = true;
    s.complete();
  }

  /** What the client last said through `keepAlive()` (true until it says otherwise). */
  get keepingAlive(): boolean {
    return this.alive;
  }

  keepAlive(alive: boolean): void {
    this.alive = alive;
  }

  /** Forgets what was sent so far. */
  clearSent(): void {
    this.sent.length = 0;
  }

  send(message: object): void {
    if (this.ended || this._closedByClient) throw new TransportClosedError('in-memory app-server is not running');
    const m = message as SentMessage;
    if (this.record) this.sent.push(m);
    this.sentSubject.next(m);
    if (m.method !== undefined && m.id !== undefined) {
      const handler = this.handlers.get(m.method);
      if (!handler) return;
      const id = m.id;
      let result: unknown;
      try {
        result = handler(m.params, m);
      } catch (e) {
        const err = e as { code?: number; message?: string; data?: unknown };
        this.respondError(id, typeof err.code === 'number' ? err.code : -32603, err.message ?? String(e), err.data);
        return;
      }
      this.respond(id, result);
    }
  }

  close(): Promise<void> {
    this._closedByClient = true;
    if (!this.ended && this.subscriber) {
      this.ended = true;
      this.subscriber.complete();
    }
    this.sentSubject.complete();
    return Promise.resolve();
  }

  private live(): Subscriber<InboundMessage> {
    if (!this.subscriber) throw new CodexError('InMemoryTransport: the client has not connected yet');
    if (this.ended) throw new CodexError('InMemoryTransport: the connection has ended');
    return this.subscriber;
  }
}

