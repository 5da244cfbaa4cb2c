import type { Observable, Subscription } from 'rxjs';
import { TransportClosedError } from '../errors.js';
import type { NotificationMethod } from '../protocol/methods.js';
import type { WireNotification } from '../rpc/message.js';

/** What a router listens to: the connection's hot stream of notifications (a StreamHost has it). */
export interface NotificationSource {
  readonly notifications$: Observable<WireNotification>;
}

/** Where a routed notification goes. */
export interface StreamSink {
  next(params: unknown): void;
  error(error: unknown): void;
}

/** Route key meaning "every notification of the method". */
export const ANY_KEY = '*';

type KeyOf = (params: Record<string, unknown>) => string | undefined;

const id = (value: unknown): string | undefined => (typeof value === 'string' ? `s:${value}` : typeof value === 'number' ? `n:${value}` : undefined);

/** Where each routed method carries the id a stream chose (or got): one property read per message. */
const KEYS: Partial<Record<NotificationMethod, KeyOf>> = {
  'command/exec/outputDelta': (p) => id(p.processId),
  'process/outputDelta': (p) => id(p.processHandle),
  'process/exited': (p) => id(p.processHandle),
  'fs/changed': (p) => id(p.watchId),
  'fuzzyFileSearch/sessionUpdated': (p) => id(p.sessionId),
  'fuzzyFileSearch/sessionCompleted': (p) => id(p.sessionId),
  'thread/search/partial': (p) => id(p.requestId),
  'thread/status/changed': (p) => id(p.threadId),
  'thread/name/updated': (p) => id(p.threadId),
  'thread/tokenUsage/updated': (p) => id(p.threadId),
  'turn/started': (p) => id(p.threadId),
};

/** The route key of a stream's id (as KEYS computes it from a message). */
export function routeKey(value: string | number): string {
  return id(value)!;
}

/**
 * Routes notifications to live streams through maps (method → id → sinks): O(1) per message
 * whatever the number of live streams, like the turn demultiplexer. It listens to the
 * connection's hot stream only while a route exists (so an idle client lets its host exit), and
 * fails every route when that stream ends: with its error, or TransportClosedError when the
 * client closed it.
 */
export class StreamRouter {
  private readonly routes = new Map<string, Map<string, Set<StreamSink>>>();
  private count = 0;
  private subscription?: Subscription;

  constructor(private readonly host: NotificationSource) {}

  /** Routes `method` notifications whose id is `key` (or every one, with ANY_KEY) to `sink`; returns the removal. */
  add(method: NotificationMethod, key: string, sink: StreamSink): () => void {
    let byKey = this.routes.get(method);
    if (!byKey) this.routes.set(method, (byKey = new Map()));
    let sinks = byKey.get(key);
    if (!sinks) byKey.set(key, (sinks = new Set()));
    sinks.add(sink);
    this.count++;
    if (!this.subscription) {
      // May end synchronously (a closed connection): the sink is in place to hear it.
      const subscription = this.host.notifications$.subscribe({
        next: (n) => this.dispatch(n),
        error: (e) => this.failAll(e),
        complete: () => this.failAll(new TransportClosedError('the connection was closed')),
      });
      if (!subscription.closed && this.count > 0) this.subscription = subscription;
      else subscription.unsubscribe();
    }
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.remove(method, key, sink);
    };
  }

  private remove(method: string, key: string, sink: StreamSink): void {
    const byKey = this.routes.get(method);
    const sinks = byKey?.get(key);
    if (!sinks?.delete(sink)) return;
    this.count--;
    if (sinks.size === 0) byKey!.delete(key);
    if (byKey!.size === 0) this.routes.delete(method);
    if (this.count === 0) {
      this.subscription?.unsubscribe();
      this.subscription = undefined;
    }
  }

  private dispatch(n: WireNotification): void {
    const byKey = this.routes.get(n.method);
    if (!byKey) return;
    const keyOf = KEYS[n.method as NotificationMethod];
    const key = keyOf && n.params !== null && typeof n.params === 'object' ? keyOf(n.params as Record<string, unknown>) : undefined;
    const keyed = key === undefined ? undefined : byKey.get(key);
    const any = byKey.get(ANY_KEY);
    if (keyed) for (const sink of keyed.size === 1 ? keyed : [...keyed]) sink.next(n.params);
    if (any) for (const sink of any.size === 1 ? any : [...any]) sink.next(n.params);
  }

  private failAll(error: unknown): void {
    const sinks = [...this.routes.values()].flatMap((byKey) => [...byKey.values()].flatMap((s) => [...s]));
    this.routes.clear();
    this.count = 0;
    this.subscription = undefined;
    for (const sink of sinks) sink.error(error);
  }
}

const routers = new WeakMap<NotificationSource, StreamRouter>();

/** The router of a host (one per connection). */
export function routerOf(host: NotificationSource): StreamRouter {
  let router = routers.get(host);
  if (!router) routers.set(host, (router = new StreamRouter(host)));
  return router;
}
