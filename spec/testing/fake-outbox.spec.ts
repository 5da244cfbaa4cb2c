// FakeOutbox alone: one message at a time, in order, recorded as it goes out.
import { FakeOutbox, type DeliveredMessage } from '../../lib/testing/fake-outbox.js';
import { agentMessageDelta, serverRequestResolved, turnStarted, commandApprovalRequest } from '../../lib/testing/index.js';

describe('FakeOutbox', () => {
  it('writes each message once, in order, and records it with its kind (answers with the method they answer)', () => {
    const written: object[] = [];
    const outbox = new FakeOutbox((m) => written.push(m), true);
    const live: DeliveredMessage[] = [];
    outbox.delivered$.subscribe((d) => live.push(d));
    outbox.send(turnStarted());
    outbox.send(commandApprovalRequest(7, 'item-1', 'ls'));
    outbox.answer('turn/interrupt', 3, { result: {} });
    outbox.answer('turn/steer', 4, { error: { code: -32600, message: 'no active turn to steer' } });
    expect(outbox.delivered.map((d) => [d.kind, d.method])).toEqual([
      ['notification', 'turn/started'],
      ['request', 'item/commandExecution/requestApproval'],
      ['answer', 'turn/interrupt'],
      ['answer', 'turn/steer'],
    ]);
    expect(live).toEqual(outbox.delivered);
    expect(written).toEqual(outbox.delivered.map((d) => d.message));
    expect(written.slice(2)).toEqual([{ id: 3, result: {} }, { id: 4, error: { code: -32600, message: 'no active turn to steer' } }]);
  });

  it('a message sent while another is being written goes out after it, not inside it', () => {
    const order: string[] = [];
    const outbox: FakeOutbox = new FakeOutbox((m) => {
      const method = (m as { method?: string }).method ?? 'answer';
      order.push(`start ${method}`);
      if (method === 'turn/started') outbox.answer('turn/interrupt', 1, { result: {} }); // the client reacts
      order.push(`end ${method}`);
    }, true);
    outbox.send(turnStarted());
    expect(order).toEqual(['start turn/started', 'end turn/started', 'start answer', 'end answer']);
  });

  it('drops a queued message that is no longer due when its turn comes', () => {
    let due = true;
    const written: string[] = [];
    const outbox: FakeOutbox = new FakeOutbox((m) => {
      const method = (m as { method?: string }).method ?? 'answer';
      written.push(method);
      if (method === 'turn/started') {
        outbox.send(agentMessageDelta('item-1', 'x'), () => due);
        due = false; // the client interrupted in reaction to turn/started
        outbox.send(serverRequestResolved(1));
      }
    }, true);
    outbox.send(turnStarted());
    expect(written).toEqual(['turn/started', 'serverRequest/resolved']);
    expect(outbox.delivered.map((d) => d.method)).toEqual(written);
  });

  it('after close() nothing goes out; without recording, delivered stays empty', () => {
    const written: object[] = [];
    const outbox = new FakeOutbox((m) => written.push(m), false);
    const live: string[] = [];
    outbox.delivered$.subscribe((d) => live.push(d.method));
    outbox.send(turnStarted());
    outbox.close();
    outbox.send(turnStarted());
    expect(written).toHaveLength(1);
    expect(live).toEqual(['turn/started']);
    expect(outbox.delivered).toEqual([]);
  });
});
