/**
 * Kept only for spec/validation/server-versions.spec.ts, which another branch edits now: the
 * client specs use the public kit (lib/testing) and spec/support/hand-server.ts instead. Delete
 * this file once that spec imports `FAKE_THREAD_ID`, `FAKE_TURN_ID`, `threadStartResponse` and
 * `turnInfo` from lib/testing.
 */
import type { Turn } from '../../lib/protocol/generated/v2/Turn.js';
import type { TurnStatus } from '../../lib/protocol/generated/v2/TurnStatus.js';
import { FAKE_THREAD_ID, FAKE_TURN_ID, threadStartResponse, turnInfo } from '../../lib/testing/index.js';

export const THREAD_ID = FAKE_THREAD_ID;
export const TURN_ID = FAKE_TURN_ID;
export { threadStartResponse };

/** @deprecated use the kit's `turnInfo({ id, status })`. */
export function turn(id = TURN_ID, status: TurnStatus = 'inProgress'): Turn {
  return turnInfo({ id, status });
}
