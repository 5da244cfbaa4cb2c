/** isServerRequest and turnIdOf: reading a turn's events. */
import { agentMessageDelta, commandApprovalRequest, serverRequestResolved, turnCompleted } from '../../lib/testing/index.js';
import { isServerRequest, turnIdOf, type TurnEvent } from '../../lib/turn/turn-event.js';
import { isServerRequest as formerIsServerRequest } from '../../lib/turn/turn-notification.js';

const ev = (e: object) => e as TurnEvent;

describe('isServerRequest', () => {
  it('a message with an id is a server request; a notification is not', () => {
    expect(isServerRequest(ev({ id: 0, method: 'item/commandExecution/requestApproval', params: {} }))).toBe(true);
    expect(isServerRequest(ev({ id: 'r1', method: 'item/tool/call', params: {} }))).toBe(true);
    expect(isServerRequest(ev({ method: 'turn/started', params: {} }))).toBe(false);
  });

  it('reads the testing kit payloads: approvals with id 0, a number or a string are requests; notifications are not', () => {
    for (const id of [7, 0, 'req-1']) expect(isServerRequest(commandApprovalRequest(id, 'cmd-1', 'ls'))).toBe(true);
    for (const n of [agentMessageDelta('m', 'x'), turnCompleted(), serverRequestResolved(7)]) expect(isServerRequest(n)).toBe(false);
  });

  it('is still exported under its former home, turn-notification', () => {
    expect(formerIsServerRequest).toBe(isServerRequest);
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
