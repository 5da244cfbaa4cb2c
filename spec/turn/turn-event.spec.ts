/** isServerRequest and turnIdOf: reading a turn's events. */
import { isServerRequest, turnIdOf, type TurnEvent } from '../../lib/turn/turn-event.js';

const ev = (e: object) => e as TurnEvent;

describe('isServerRequest', () => {
  it('a message with an id is a server request; a notification is not', () => {
    expect(isServerRequest(ev({ id: 0, method: 'item/commandExecution/requestApproval', params: {} }))).toBe(true);
    expect(isServerRequest(ev({ id: 'r1', method: 'item/tool/call', params: {} }))).toBe(true);
    expect(isServerRequest(ev({ method: 'turn/started', params: {} }))).toBe(false);
  });
});

describe('turnIdOf', () => {
  it('reads params.turnId, else params.turn.id', () => {
    expect(turnIdOf(ev({ method: 'item/agentMessage/delta', params: { turnId: 't1', turn: { id: 't2' } } }))).toBe('t1');
    expect(turnIdOf(ev({ method: 'turn/started', params: { turn: { id: 't2' } } }))).toBe('t2');
  });

  it('is undefined when there is no string turn id', () => {
    for (const params of [undefined, {}, { turnId: 3 }, { turn: {} }, { turn: { id: null } }]) expect(turnIdOf(ev({ method: 'x', params }))).toBeUndefined();
  });
});
