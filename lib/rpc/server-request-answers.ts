import { Observable, take, type Subscription } from 'rxjs';
import { JsonRpcError } from '../errors.js';
import type { MessageIds } from '../protocol/ids.js';
import type { Release } from './activity.js';
import { answerAsObservable } from './async-answer.js';
import type { ProtocolWarning, WireRequestHandler } from './connection-types.js';
import type { RequestId, WireError, WireRequest } from './message.js';

/** Default bound of server requests awaiting their handler's answer. */
export const DEFAULT_MAX_PENDING_SERVER_REQUESTS = 1000;

/** What answering needs from its connection. */
export interface AnswerHost {
  /** Writes the answer (a result, or an error) to the server. */
  answer(id: RequestId, result: unknown, error?: WireError): void;
  warn(kind: ProtocolWarning['kind'], message: string, detail?: unknown): void;
  /** Keeps the connection alive until the returned release is called. */
  hold(): Release;
}

/**
 * Answers the server's requests with the client's handler, at most `max` awaiting an answer at
 * once: a server that floods requests gets -32001 (overloaded) instead of growing memory without
 * bound. Every request gets exactly one answer — the handler's first value, its error, or an
 * error when it has none or ends without one — because the server waits on each.
 */
export class ServerRequestAnswers {
  /** Handlers still running, by request id (as text), with the request and the turn it belongs to. */
  private readonly answering = new Map<string, { readonly sub: Subscription; readonly request: WireRequest; readonly turnId?: string }>();

  constructor(
    private readonly host: AnswerHost,
    private readonly handler: WireRequestHandler | undefined,
    private readonly max = DEFAULT_MAX_PENDING_SERVER_REQUESTS,
  ) {}

  /** Server requests whose handler has not answered yet. */
  get size(): number {
    return this.answering.size;
  }

  /** Runs the handler for `request` and writes its answer (or refuses it when over the bound). */
  handle(request: WireRequest, ids: MessageIds): void {
    const max = this.max;
    if (this.answering.size >= max) {
      this.host.warn('overloaded', `app-server sent ${request.method} while ${max} of its requests await an answer; answered it with an error`, {
        id: request.id,
        method: request.method,
      });
      this.host.answer(request.id, undefined, { code: -32001, message: `codex-rx: too many server requests awaiting an answer (${max}); retry later` });
      return;
    }
    const handler = this.handler;
    if (!handler) {
      this.host.answer(request.id, undefined, { code: -32601, message: `codex-rx has no handler for ${request.method}` });
      return;
    }
    let source: Observable<unknown>;
    try {
      const out = handler(request, ids);
      source = answerAsObservable(out);
    } catch (e) {
      source = new Observable((s) => s.error(e));
    }
    let answered = false;
    const sub = source.pipe(take(1)).subscribe({
      next: (result) => {
        answered = true;
        this.host.answer(request.id, result ?? {});
      },
      error: (e) => {
        answered = true;
        this.host.warn('handler-error', `the handler for ${request.method} failed: ${(e as Error)?.message ?? e}`, e);
        // A JsonRpcError from the handler is the answer it chose; anything else is our failure (-32603).
        const wire: WireError = JsonRpcError.is(e) ? { code: e.code, message: e.message } : { code: -32603, message: `client handler failed: ${(e as Error)?.message ?? e}` };
        this.host.answer(request.id, undefined, wire);
      },
      complete: () => {
        if (!answered) this.host.answer(request.id, undefined, { code: -32603, message: `client handler for ${request.method} gave no answer` });
      },
    });
    // Answered synchronously: nothing stays in flight.
    if (!sub.closed) {
      const key = String(request.id);
      this.answering.get(key)?.sub.unsubscribe(); // a reused id: the older handler's answer would go to the newer request
      this.answering.set(key, { sub, request, turnId: ids.turnId });
      const release = this.host.hold();
      sub.add(() => {
        if (this.answering.get(key)?.sub === sub) this.answering.delete(key);
        release();
      });
    }
  }

  /** The requests of `turnId` still awaiting their handler's answer, in arrival order (an attached turn shows them). */
  pendingOf(turnId: string): WireRequest[] {
    const out: WireRequest[] = [];
    for (const entry of this.answering.values()) if (entry.turnId === turnId) out.push(entry.request);
    return out;
  }

  /**
   * The server says request `id` needs no answer any more (`serverRequest/resolved`: the turn was
   * interrupted, another client answered): stops its handler, whose answer would go to nothing.
   */
  resolved(id: RequestId): void {
    this.answering.get(String(id))?.sub.unsubscribe();
  }

  /** The connection is gone: stops every handler still running (their answers could not be written). */
  cancelAll(): void {
    for (const entry of [...this.answering.values()]) entry.sub.unsubscribe();
  }
}
