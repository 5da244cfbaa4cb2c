/**
 * A server the test answers by hand, over the public kit's InMemoryTransport: nothing is answered
 * until the test says so (`respondTo`, `failTo`), in the order it decides, synchronously — so
 * marble tests place each answer on the frame they want. Payloads come from the kit
 * (lib/testing/payloads). For scripted turns, use the kit's FakeAppServer and scriptTurn().
 *
 * Why not FakeAppServer.hold(): it holds only the methods named before they are sent and answers
 * the rest itself; these specs check the client's own bookkeeping with nothing answered for it.
 */
import { Codex } from '../../lib/codex.js';
import type { CodexClientOptions } from '../../lib/codex-config.js';
import type { Thread } from '../../lib/thread.js';
import { FAKE_THREAD_ID, InMemoryTransport, threadInfo, threadStartResponse, type SentMessage } from '../../lib/testing/index.js';

/** Answers the client's requests by hand, in the order the test decides. */
export class HandServer {
  private readonly answered = new Set<string | number>();

  constructor(readonly transport: InMemoryTransport) {}

  /** Requests of `method` the client sent (answered or not), oldest first. */
  requests(method: string): SentMessage[] {
    return this.transport.sent.filter((m) => m.method === method && m.id !== undefined);
  }

  /** The params of every message of `method` the client sent. */
  paramsOf(method: string): unknown[] {
    return this.transport.sent.filter((m) => m.method === method).map((m) => m.params);
  }

  /** The methods the client sent, in order (answers to server requests show as `answer:<id>`). */
  methods(): string[] {
    return this.transport.sent.map((m) => m.method ?? `answer:${m.id}`);
  }

  /** Requests of `method` not answered through this server yet. */
  unanswered(method: string): SentMessage[] {
    return this.requests(method).filter((m) => !this.answered.has(m.id!));
  }

  /** Answers the oldest unanswered request of `method`. */
  respondTo(method: string, result: unknown): void {
    this.transport.respond(this.take(method), result);
  }

  /** Answers the oldest unanswered request of `method` with a JSON-RPC error. */
  failTo(method: string, code: number, message: string, data?: unknown): void {
    this.transport.respondError(this.take(method), code, message, data);
  }

  /** Delivers a notification or a server request. */
  emit(message: object): void {
    this.transport.emit(message);
  }

  private take(method: string): string | number {
    const request = this.unanswered(method)[0];
    if (!request) throw new Error(`HandServer: no unanswered ${method} request (sent: ${this.methods().join(', ')})`);
    this.answered.add(request.id!);
    return request.id!;
  }
}

/** A Codex over the kit's InMemoryTransport (it answers the handshake and `turn/interrupt` at once). */
export function createClient(config: CodexClientOptions = {}, transport = new InMemoryTransport()) {
  transport.onRequest('turn/interrupt', () => ({}));
  const codex = new Codex({ transport, ...config });
  return { codex, transport, server: new HandServer(transport) };
}

/** Opens thread `threadId` synchronously (answered at once) and forgets what was sent. */
export function openThread(codex: Codex, transport: InMemoryTransport, threadId = FAKE_THREAD_ID): Thread {
  transport.onRequest('thread/start', () => threadStartResponse(threadInfo({ id: threadId })));
  let thread: Thread | undefined;
  codex.threadStart().subscribe((t) => (thread = t));
  if (!thread) throw new Error('openThread: thread/start was not answered synchronously');
  transport.clearSent();
  return thread;
}
