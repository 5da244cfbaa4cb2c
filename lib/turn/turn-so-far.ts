import type { Notification } from '../protocol/methods.js';
import type { Turn } from '../protocol/generated/v2/Turn.js';
import type { TurnEvent } from './turn-event.js';

/**
 * A turn as the server recorded it (`thread/resume`, `thread/read` with turns), as the events a
 * live stream of it would have carried: `turn/started`, one `item/completed` per finished item
 * (the record holds no partial items), and `turn/completed` when it has ended. Shaped exactly
 * like the real notifications, so `turnProgress()` and `toTurnResult()` fold them as they fold a
 * live turn.
 */
export function turnSoFar(threadId: string, turn: Turn): TurnEvent[] {
  const started: Notification<'turn/started'> = {
    method: 'turn/started',
    params: { threadId, turn: { ...turn, items: [], status: 'inProgress', error: null, completedAt: null, durationMs: null } },
  };
  const at = (turn.completedAt ?? turn.startedAt ?? 0) * 1000;
  const events: TurnEvent[] = [started];
  for (const item of turn.items) {
    const completed: Notification<'item/completed'> = { method: 'item/completed', params: { item, threadId, turnId: turn.id, completedAtMs: at } };
    events.push(completed);
  }
  if (turn.status !== 'inProgress') {
    const completed: Notification<'turn/completed'> = { method: 'turn/completed', params: { threadId, turn } };
    events.push(completed);
  }
  return events;
}
