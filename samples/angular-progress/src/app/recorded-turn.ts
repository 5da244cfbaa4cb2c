import { INITIAL_TURN_PROGRESS, reduceTurnProgress, type protocol, type TurnEvent, type TurnProgress } from 'codex-rx';

/**
 * A finished turn from the server's record of the thread (`thread/resume`), as the snapshot a
 * live turn ends with: the same `turnProgress()` fold, fed the record's items.
 */
export function recordedTurn(threadId: string, turn: protocol.v2.Turn): TurnProgress {
  const events = [
    { method: 'turn/started', params: { threadId, turn: { ...turn, items: [] } } },
    ...turn.items.map((item) => ({ method: 'item/completed', params: { threadId, turnId: turn.id, item } })),
    { method: 'turn/completed', params: { threadId, turn } },
  ] as TurnEvent[];
  return events.reduce(reduceTurnProgress, INITIAL_TURN_PROGRESS);
}
