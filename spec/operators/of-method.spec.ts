import { from, lastValueFrom, toArray, type Observable } from 'rxjs';
import { ofMethod } from '../../lib/operators/of-method.js';
import type { Notification } from '../../lib/protocol/methods.js';
import type { TurnNotification } from '../../lib/turn/turn-notification.js';
import { agentMessageDelta as delta, agentMessageItem, commandApprovalRequest, itemCompleted, turnCompleted, turnStarted } from '../../lib/testing/index.js';
import { expectType } from '../support/type-assert.js';

const events: TurnNotification[] = [turnStarted(), delta('m', 'a'), commandApprovalRequest(1, 'cmd-1', 'ls'), itemCompleted(agentMessageItem('m', 'a')), delta('m', 'b'), turnCompleted()];

describe('ofMethod()', () => {
  it('keeps only events of the given method, in order', async () => {
    const kept = await lastValueFrom(from(events).pipe(ofMethod('item/agentMessage/delta'), toArray()));
    expect(kept.map((d) => d.params.delta)).toEqual(['a', 'b']);
  });

  it('keeps events of any of several methods, server requests included', async () => {
    const kept = await lastValueFrom(from(events).pipe(ofMethod('turn/started', 'item/commandExecution/requestApproval', 'turn/completed'), toArray()));
    expect(kept.map((e) => e.method)).toEqual(['turn/started', 'item/commandExecution/requestApproval', 'turn/completed']);
  });

  it('narrows the element type', () => {
    const source$ = from(events);
    expectType<Observable<Notification<'item/agentMessage/delta'>>>()(source$.pipe(ofMethod('item/agentMessage/delta')));
    expectType<Observable<Notification<'turn/started'> | Notification<'turn/completed'>>>()(source$.pipe(ofMethod('turn/started', 'turn/completed')));
  });

  it('rejects method names that are not events (compile time)', () => {
    // @ts-expect-error 'thread/start' is a client request, not something a turn emits
    expect(() => from(events).pipe(ofMethod('thread/start'))).not.toThrow();
  });
});
