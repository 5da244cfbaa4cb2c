import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { TransportClosedError, ValidationError } from '../errors.js';
import type { ClientMethod, NotificationMethod, NotificationParams, ParamsOf, ResultOf } from '../protocol/methods.js';
import type { ProtocolWarning, RequestOptions } from '../rpc/connection.js';
import type { WireNotification } from '../rpc/message.js';
import { ANY_KEY, routeKey, routerOf } from './stream-router.js';

/**
 * What a stream needs from the connection: its public surface only (the Connection satisfies
 * it as is). Keeping it this small lets every stream be tested over the in-memory transport.
 */
export interface StreamHost {
  request<M extends ClientMethod>(method: M, params: ParamsOf<M>, options?: RequestOptions): Observable<ResultOf<M>>;
  readonly notifications$: Observable<WireNotification>;
  keepAlive<T>(): MonoTypeOperatorFunction<T>;
  warn(kind: ProtocolWarning['kind'], message: string, detail?: unknown): void;
}

/**
 * The params of every notification of `method` that carries `key` (the id the stream chose or
 * got: processId, processHandle, watchId, sessionId, request id, thread id), or of every one
 * without a key; hot. Routed in O(1) through the connection's StreamRouter. When the
 * connection ends it errors — with TransportClosedError also when the client closed it.
 */
export function notificationsOf<M extends NotificationMethod>(host: StreamHost, method: M, key?: string | number): Observable<NotificationParams<M>> {
  return new Observable<NotificationParams<M>>((subscriber) =>
    routerOf(host).add(method, key === undefined ? ANY_KEY : routeKey(key), {
      next: (params) => subscriber.next(params as NotificationParams<M>),
      error: (e) => subscriber.error(e),
    }),
  );
}

/**
 * Sends a clean-up request (terminate, kill, unwatch, stop, cancel) in the background. Its
 * failure is reported on `warnings$`, never thrown at the user; a closed connection needs no
 * clean-up and is not reported.
 */
export function sendTeardown<M extends ClientMethod>(host: StreamHost, method: M, params: ParamsOf<M>): void {
  host.request(method, params).subscribe({
    error: (e: unknown) => {
      if (TransportClosedError.is(e)) return;
      host.warn('teardown-failed', `${method} failed while cleaning up a stream: ${(e as Error)?.message ?? String(e)}`, { method, params, error: e });
    },
  });
}

let counter = 0;

/**
 * A fresh client-chosen id (`processId`, `processHandle`, `watchId`, `sessionId`): these are
 * connection-scoped on the server, so a counter plus a random suffix (for clients sharing a
 * server through a gateway) is unique enough, and readable in logs.
 */
export function clientId(kind: string): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `codex-rx-${kind}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * The client-chosen id the user gave (option `path` of `where`: a non-empty string, else a
 * ValidationError) or, without one, a fresh `clientId(kind)`.
 */
export function givenOrClientId(given: unknown, kind: string, where: string, path: string): string {
  if (given === undefined) return clientId(kind);
  if (typeof given !== 'string' || given === '') throw new ValidationError(where, [{ path, message: 'must be a non-empty string' }]);
  return given;
}
