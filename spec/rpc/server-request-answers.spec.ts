import { Observable, Subject } from 'rxjs';
import { ServerRequestAnswers, type AnswerHost } from '../../lib/rpc/server-request-answers';
import type { MessageIds } from '../../lib/protocol/ids';

function host() {
  const answers: { id: unknown; result: unknown; error: unknown }[] = [];
  let held = 0;
  const h: AnswerHost = {
    answer: (id, result, error) => void answers.push({ id, result, error }),
    warn: () => undefined,
    hold: () => {
      held++;
      let released = false;
      return () => {
        if (!released) held--;
        released = true;
      };
    },
  };
  return { h, answers, held: () => held };
}

const ids = {} as MessageIds;
const request = (id: number) => ({ id, method: 'item/commandExecution/requestApproval', params: {} }) as never;

describe('ServerRequestAnswers', () => {
  it('stops a running handler when the server says the request is resolved, and writes no answer', () => {
    const { h, answers, held } = host();
    const decision = new Subject<unknown>();
    let unsubscribed = false;
    const answering = new ServerRequestAnswers(h, () => new Observable((s) => {
      const sub = decision.subscribe(s);
      return () => {
        unsubscribed = true;
        sub.unsubscribe();
      };
    }));
    answering.handle(request(7), ids);
    expect(answering.size).toBe(1);
    expect(held()).toBe(1);
    answering.resolved(7);
    expect(unsubscribed).toBe(true);
    expect(answering.size).toBe(0);
    expect(held()).toBe(0);
    decision.next({ decision: 'accept' }); // too late: nobody listens
    expect(answers).toEqual([]);
  });

  it('leaves other requests running and ignores ids it does not know', () => {
    const { h, answers } = host();
    const decisions = new Subject<unknown>();
    const answering = new ServerRequestAnswers(h, () => decisions);
    answering.handle(request(1), ids);
    answering.handle(request(2), ids);
    answering.resolved(99);
    answering.resolved(1);
    expect(answering.size).toBe(1);
    decisions.next({ decision: 'decline' });
    expect(answers).toEqual([{ id: 2, result: { decision: 'decline' }, error: undefined }]);
  });
});
