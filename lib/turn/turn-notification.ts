import type { Notification, ServerRequestMessage } from '../protocol/methods.js';

/**
 * What a turn's stream emits: every notification of that turn, and every server request of that
 * turn (approvals, questions — they carry an `id`; a handler answers them, the stream shows them).
 */
export type TurnNotification = Notification | ServerRequestMessage;

/** True when the event is a server request (it has an `id`), not a notification. */
export function isServerRequest(event: TurnNotification): event is ServerRequestMessage {
  return (event as { id?: unknown }).id !== undefined;
}
