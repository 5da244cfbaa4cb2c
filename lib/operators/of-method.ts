import { filter, type OperatorFunction } from 'rxjs';
import type { TurnEvent } from '../turn/turn-event.js';

type Method = TurnEvent['method'];

/**
 * Keeps only events of the given methods, typed accordingly.
 *
 * @example turn$.pipe(ofMethod('item/agentMessage/delta')).subscribe((d) => write(d.params.delta));
 */
export function ofMethod<E extends { method: string }, M extends E['method'] & Method>(...methods: M[]): OperatorFunction<E, Extract<E, { method: M }>> {
  const wanted = new Set<string>(methods);
  return filter((event): event is Extract<E, { method: M }> => wanted.has(event.method));
}
