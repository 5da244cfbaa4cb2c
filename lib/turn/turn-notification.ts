import type { TurnEvent } from './turn-event.js';

export { isServerRequest } from './turn-event.js';

/**
 * The former name of {@link TurnEvent} (the stream carries server requests too, not only
 * notifications).
 *
 * @deprecated Use `TurnEvent`; this alias goes away in the next minor version.
 */
export type TurnNotification = TurnEvent;
