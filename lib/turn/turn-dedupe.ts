import { isDeltaMethod } from '../protocol/delta.js';
import { isServerRequest, type TurnEvent } from './turn-event.js';

type ItemParams = { item?: { id?: unknown }; itemId?: unknown; delta?: unknown; summaryIndex?: unknown; contentIndex?: unknown };

/** One delta stream of an item: the method, the item, and the part it writes (reasoning summaries and contents are indexed). */
function streamKey(method: string, p: ItemParams): string {
  return `${method}\u0000${String(p.itemId)}\u0000${String(p.summaryIndex ?? '')}\u0000${String(p.contentIndex ?? '')}`;
}

/**
 * Keeps a turn's events single when they reach one consumer from several sources: the server's
 * record (synthetic `turn/started` + `item/completed`), live events, a gateway's replay of the
 * items not completed yet, and the same again after a reconnect. Pure bookkeeping, no I/O.
 *
 * - `turn/started`, `turn/completed`, each `item/completed` and each server request (by id) pass once;
 * - an `item/started` passes once, and never after its item completed; deltas of a completed item are dropped;
 * - an `item/started` seen again for an item still running is a replay from the item's start:
 *   the next deltas of that item are cut by the text already passed, so the text never doubles
 *   (without such a replay, deltas pass as they come).
 */
export class TurnDedupe {
  private started = false;
  private completedTurn = false;
  private readonly completedItems = new Set<string>();
  private readonly runningItems = new Set<string>();
  /** Characters passed per delta stream of a running item. */
  private readonly passed = new Map<string, number>();
  /** Characters still to cut per delta stream (a replay is under way). */
  private readonly skip = new Map<string, number>();
  private readonly requests = new Set<string>();

  /** True once `turn/completed` passed. */
  get completed(): boolean {
    return this.completedTurn;
  }

  /** The event as it should be passed on (a delta may be cut), or undefined to drop it. */
  pass(event: TurnEvent): TurnEvent | undefined {
    if (isServerRequest(event)) {
      const id = String(event.id);
      if (this.requests.has(id)) return undefined;
      this.requests.add(id);
      return event;
    }
    const p = event.params as ItemParams;
    switch (event.method) {
      case 'turn/started':
        if (this.started) return undefined;
        this.started = true;
        return event;
      case 'turn/completed':
        if (this.completedTurn) return undefined;
        this.completedTurn = true;
        return event;
      case 'item/started': {
        const id = String(p.item?.id);
        if (this.completedItems.has(id)) return undefined;
        if (this.runningItems.has(id)) {
          const prefix = `\u0000${id}\u0000`;
          for (const [key, chars] of this.passed) if (key.includes(prefix)) this.skip.set(key, chars);
          return undefined;
        }
        this.runningItems.add(id);
        return event;
      }
      case 'item/completed': {
        const id = String(p.item?.id);
        if (this.completedItems.has(id)) return undefined;
        this.completedItems.add(id);
        if (this.runningItems.delete(id)) this.forgetStreams(id);
        return event;
      }
      default:
        if (typeof p?.itemId !== 'string' || typeof p.delta !== 'string' || !isDeltaMethod(event.method)) return event;
        return this.delta(event, p as ItemParams & { delta: string });
    }
  }

  private delta(event: TurnEvent, p: ItemParams & { delta: string }): TurnEvent | undefined {
    if (this.completedItems.has(p.itemId as string)) return undefined;
    const key = streamKey(event.method, p);
    let text = p.delta;
    const cut = this.skip.get(key);
    if (cut !== undefined) {
      const n = Math.min(cut, text.length);
      if (cut - n === 0) this.skip.delete(key);
      else this.skip.set(key, cut - n);
      if (n === text.length) return undefined;
      text = text.slice(n);
    }
    this.passed.set(key, (this.passed.get(key) ?? 0) + text.length);
    return text === p.delta ? event : ({ ...event, params: { ...p, delta: text } } as TurnEvent);
  }

  private forgetStreams(itemId: string): void {
    const prefix = `\u0000${itemId}\u0000`;
    for (const key of [...this.passed.keys()]) if (key.includes(prefix)) this.passed.delete(key);
    for (const key of [...this.skip.keys()]) if (key.includes(prefix)) this.skip.delete(key);
  }
}

/** The delta stream an event writes to, or undefined for any other event (for coalescing a record). */
export function deltaStreamOf(event: TurnEvent): string | undefined {
  const p = event.params as ItemParams;
  if (isServerRequest(event) || typeof p?.itemId !== 'string' || typeof p.delta !== 'string' || !isDeltaMethod(event.method)) return undefined;
  return streamKey(event.method, p);
}
