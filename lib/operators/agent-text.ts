import { Observable, type OperatorFunction } from 'rxjs';
import type { TurnEvent } from '../turn/turn-event.js';

/**
 * The running text of the agent's message as it streams: emits the whole text so far on each
 * delta, and the final text when the message completes (if it differs).
 *
 * @example thread.turn('Write a haiku').pipe(agentText()).subscribe((text) => render(text));
 */
export function agentText(): OperatorFunction<TurnEvent, string> {
  return (source) =>
    new Observable<string>((subscriber) => {
      let itemId: string | undefined;
      let text = '';
      return source.subscribe({
        next: (event) => {
          if (event.method === 'item/agentMessage/delta') {
            if (event.params.itemId !== itemId) {
              itemId = event.params.itemId;
              text = '';
            }
            text += event.params.delta;
            subscriber.next(text);
          } else if (event.method === 'item/completed' && event.params.item.type === 'agentMessage') {
            const final = event.params.item.text;
            if (event.params.item.id !== itemId || final !== text) {
              itemId = event.params.item.id;
              text = final;
              subscriber.next(text);
            }
          }
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}
