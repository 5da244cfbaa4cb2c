import type { Notification, ServerRequestMessage } from '../protocol/methods.js';

/**
 * What a turn's stream emits: every notification of that turn, and every server request of that
 * turn (approvals, questions — they carry an `id`; a handler answers them, the stream shows them).
 */
export type TurnEvent = Notification | ServerRequestMessage;

/**
 * Non-delta events a turn's route (or an attached turn's recorder) keeps so that a subscriber
 * joining a running turn can be replayed the turn so far. Beyond this many, only
 * `turn/completed` is still kept, so a replay always ends the stream.
 */
export const MAX_TURN_REPLAY = 10_000;

/** True when the event is a server request (it has an `id`), not a notification. */
export function isServerRequest(event: TurnEvent): event is ServerRequestMessage {
  return (event as { id?: unknown }).id !== undefined;
}

/**
 * The id of the turn an event belongs to: `params.turnId`, or `params.turn.id` (`turn/started`,
 * `turn/completed`). Every event of a turn stream names its turn except `serverRequest/resolved`
 * (undefined), so the first event of `thread.turn()` gives the id to steer or interrupt it by.
 *
 * Read it without leaving the stream: `first()` or `take(1)` on the turn itself would
 * unsubscribe, and so interrupt the turn.
 *
 * @example
 * let turnId: string | undefined;
 * thread.turn('Write a poem').pipe(tap((event) => (turnId ??= turnIdOf(event)))).subscribe(render);
 */
export function turnIdOf(event: TurnEvent): string | undefined {
  const params = event.params as { turnId?: unknown; turn?: { id?: unknown } } | undefined;
  const id = params?.turnId ?? params?.turn?.id;
  return typeof id === 'string' ? id : undefined;
}
