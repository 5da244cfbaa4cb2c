/** turnSoFar: a recorded turn as the events a live stream of it would have carried. */
import { agentMessageItem, turnInfo } from '../../lib/testing/payloads/index.js';
import { turnSoFar } from '../../lib/turn/turn-so-far.js';

const msg = agentMessageItem('m1', 'hello', null);
const cmd = agentMessageItem('m2', 'bye', null);

describe('turnSoFar', () => {
  it('an ended turn: turn/started (in progress, no items), one item/completed per item, turn/completed', () => {
    const turn = turnInfo({ id: 't1', status: 'completed', items: [msg, cmd], startedAt: 100, completedAt: 105, durationMs: 5000 });
    const events = turnSoFar('th1', turn);
    expect(events.map((e) => e.method)).toEqual(['turn/started', 'item/completed', 'item/completed', 'turn/completed']);
    expect(events[0].params).toEqual({ threadId: 'th1', turn: { ...turn, items: [], status: 'inProgress', error: null, completedAt: null, durationMs: null } });
    expect(events[1].params).toEqual({ item: msg, threadId: 'th1', turnId: 't1', completedAtMs: 105_000 });
    expect(events[2].params).toMatchObject({ item: cmd });
    expect(events[3].params).toEqual({ threadId: 'th1', turn });
  });

  it('a turn still running has no turn/completed; its items are stamped with its start', () => {
    const turn = turnInfo({ id: 't2', status: 'inProgress', items: [msg], startedAt: 7, completedAt: null });
    const events = turnSoFar('th1', turn);
    expect(events.map((e) => e.method)).toEqual(['turn/started', 'item/completed']);
    expect(events[1].params).toMatchObject({ completedAtMs: 7000 });
  });
});
