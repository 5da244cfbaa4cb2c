import { EMPTY, Observable, of } from 'rxjs';
import { Answers } from '../../lib/approvals/answers';
import type { ApprovalHandler, ServerRequestContext } from '../../lib/approvals/approval-router';
import { Codex } from '../../lib/codex';
import { ValidationError } from '../../lib/errors';
import type { ServerRequestMessage } from '../../lib/protocol/methods';
import { InMemoryTransport } from '../../lib/transport/in-memory-transport';
import { commandApprovalParams, flushPromises, harness, PARAMS_BY_METHOD, turnInfo, THREAD, TURN, type Harness } from './harness';

const APPROVAL = 'item/commandExecution/requestApproval';

type Decision = 'accept' | 'acceptForSession' | 'decline' | 'cancel';

/** The same decisions in the vocabulary of the thread-scoped legacy approvals (`execCommandApproval`, `applyPatchApproval`). */
const REVIEW_DECISION = { accept: 'approved', acceptForSession: 'approved_for_session', decline: 'abort', cancel: 'abort' } as const;

/** A handler that answers `decision` and records what it saw. */
function answering(decision: Decision, seen: Array<{ request: ServerRequestMessage; context: ServerRequestContext }> = []): ApprovalHandler {
  return (request, context) => {
    seen.push({ request, context });
    if (request.method === 'execCommandApproval' || request.method === 'applyPatchApproval') return { decision: REVIEW_DECISION[decision] };
    return { decision };
  };
}

describe('ApprovalRouter: who answers a server request', () => {
  let h: Harness;
  afterEach(() => h?.dispose());

  it('the client handler gets the typed request and its thread/turn context; its answer is sent once, with the request id', async () => {
    const seen: Array<{ request: ServerRequestMessage; context: ServerRequestContext }> = [];
    h = await harness({ approvalHandler: answering('accept', seen) });
    h.request(0, APPROVAL, commandApprovalParams());

    expect(h.answers(0)).toEqual([{ id: 0, result: { decision: 'accept' } }]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.request).toEqual({ id: 0, method: APPROVAL, params: commandApprovalParams() });
    expect(seen[0]!.context).toMatchObject({ threadId: THREAD, turnId: TURN });
    expect(seen[0]!.context.signal.aborted).toBe(true); // answered: nobody needs to answer any more
  });

  it('turn beats thread beats client', async () => {
    h = await harness({ approvalHandler: answering('decline') });
    const thread = await h.thread(THREAD, { approvalHandler: answering('acceptForSession') });
    const otherThread = await h.thread('thr-2');
    h.turn(thread, TURN, { approvalHandler: answering('accept') });

    h.request(0, APPROVAL, commandApprovalParams()); // this turn
    h.request(1, APPROVAL, commandApprovalParams({ turnId: 'turn-other' })); // another turn of the thread
    h.request(2, APPROVAL, commandApprovalParams({ threadId: otherThread.id, turnId: 'turn-9' })); // another thread
    h.request(3, 'execCommandApproval', PARAMS_BY_METHOD.execCommandApproval); // thread-scoped, no turn: the thread's handler answers

    expect(h.answer(0)).toEqual({ id: 0, result: { decision: 'accept' } });
    expect(h.answer(1)).toEqual({ id: 1, result: { decision: 'acceptForSession' } });
    expect(h.answer(2)).toEqual({ id: 2, result: { decision: 'decline' } });
    expect(h.answer(3)).toEqual({ id: 3, result: { decision: 'approved_for_session' } });
    expect(h.failures).toEqual([]);
  });

  it('undefined passes to the next level: at once, from a Promise, or from an empty Observable', async () => {
    const calls: string[] = [];
    h = await harness({
      approvalHandler: () => {
        calls.push('client');
        return Answers.accept();
      },
    });
    const thread = await h.thread(THREAD, {
      approvalHandler: () => {
        calls.push('thread');
        return Promise.resolve(undefined);
      },
    });
    h.turn(thread, TURN, {
      approvalHandler: () => {
        calls.push('turn');
        return EMPTY;
      },
    });
    h.request(0, APPROVAL, commandApprovalParams());
    expect(await h.nextAnswer(0)).toEqual({ id: 0, result: { decision: 'accept' } });
    expect(calls).toEqual(['turn', 'thread', 'client']);

    calls.length = 0;
    h.request(1, APPROVAL, commandApprovalParams({ turnId: 'turn-other' }));
    expect(await h.nextAnswer(1)).toEqual({ id: 1, result: { decision: 'accept' } });
    expect(calls).toEqual(['thread', 'client']);
  });

  it('a handler registered at several levels is asked once', async () => {
    let calls = 0;
    const handler: ApprovalHandler = () => {
      calls++;
      return undefined;
    };
    h = await harness({ approvalHandler: handler });
    const thread = await h.thread(THREAD, { approvalHandler: handler });
    h.turn(thread, TURN, { approvalHandler: handler });
    h.request(0, APPROVAL, commandApprovalParams());
    expect(calls).toBe(1);
    expect(h.answer(0)).toEqual({ id: 0, result: { decision: 'decline' } });
  });

  it('Promise and Observable answers: the first value counts, the Observable is unsubscribed after it', async () => {
    let tornDown = false;
    h = await harness({
      approvalHandler: (request) =>
        request.method === APPROVAL && request.params.itemId === 'obs'
          ? new Observable((s) => {
              s.next(Answers.accept());
              s.next(Answers.decline());
              return () => (tornDown = true);
            })
          : Promise.resolve(Answers.acceptForSession()),
    });
    h.request(0, APPROVAL, commandApprovalParams({ itemId: 'obs' }));
    h.request(1, APPROVAL, commandApprovalParams({ itemId: 'promise' }));
    expect(h.answers(0)).toEqual([{ id: 0, result: { decision: 'accept' } }]);
    expect(tornDown).toBe(true);
    expect(await h.nextAnswer(1)).toEqual({ id: 1, result: { decision: 'acceptForSession' } });
    await flushPromises();
    expect(h.answers(1)).toHaveLength(1);
  });

  it('Thread.setApprovalHandler narrows to the thread; its undo restores the client handler', async () => {
    h = await harness({ approvalHandler: answering('decline') });
    const thread = await h.thread();
    const undo = thread.setApprovalHandler(answering('accept'));
    h.request(0, APPROVAL, commandApprovalParams());
    undo();
    h.request(1, APPROVAL, commandApprovalParams());
    expect(h.answer(0)!.result).toEqual({ decision: 'accept' });
    expect(h.answer(1)!.result).toEqual({ decision: 'decline' });
  });

  it("a turn's handler stops answering once the turn completed", async () => {
    h = await harness({ approvalHandler: answering('decline') });
    const thread = await h.thread();
    const run = h.turn(thread, TURN, { approvalHandler: answering('accept') });
    h.request(0, APPROVAL, commandApprovalParams());
    h.transport.notify('turn/completed', { threadId: THREAD, turn: turnInfo(TURN, 'completed') });
    expect(run.done).toBe(true);
    h.request(1, APPROVAL, commandApprovalParams());
    expect(h.answer(0)!.result).toEqual({ decision: 'accept' });
    expect(h.answer(1)!.result).toEqual({ decision: 'decline' });
  });

  it("a turn's handler answers requests that arrive before turn/start is answered, and only its own turn's once the id is known", async () => {
    h = await harness({ approvalHandler: answering('decline'), turnStart: 'manual' });
    const thread = await h.thread();
    const run = h.turn(thread, TURN, { approvalHandler: answering('accept') });
    const start = h.transport.sent.find((m) => m.method === 'turn/start')!;

    h.request(0, APPROVAL, commandApprovalParams()); // before the id is known
    expect(h.answer(0)).toEqual({ id: 0, result: { decision: 'accept' } });
    expect(run.events).toEqual([]); // held until the id is bound

    h.transport.respond(start.id!, { turn: turnInfo(TURN) });
    expect(run.events).toEqual([{ id: 0, method: APPROVAL, params: commandApprovalParams() }]);

    h.request(1, APPROVAL, commandApprovalParams()); // the turn itself
    h.request(2, APPROVAL, commandApprovalParams({ turnId: 'turn-someone-else' })); // not this turn
    expect(h.answer(1)!.result).toEqual({ decision: 'accept' });
    expect(h.answer(2)!.result).toEqual({ decision: 'decline' });
  });

  it('a handler that is not a function is refused (ValidationError), at every level', async () => {
    const transport = new InMemoryTransport();
    expect(() => new Codex({ transport, approvalHandler: 'accept' as unknown as ApprovalHandler })).toThrow(ValidationError);
    expect(() => new Codex({ transport, approvalTimeoutMs: -1 })).toThrow(ValidationError);
    expect(() => new Codex({ transport, approvalTimeoutMs: Number.NaN })).toThrow(ValidationError);
    h = await harness();
    const thread = await h.thread();
    expect(() => thread.setApprovalHandler({} as unknown as ApprovalHandler)).toThrow(ValidationError);
    const run = h.turn(thread, TURN, { approvalHandler: 42 as unknown as ApprovalHandler });
    expect(run.error).toBeInstanceOf(ValidationError);
  });

  it('handlers answer synchronously with a plain Observable of one value too', async () => {
    h = await harness({ approvalHandler: () => of(Answers.accept()) });
    h.request('req-a', APPROVAL, commandApprovalParams());
    expect(h.answer('req-a')).toEqual({ id: 'req-a', result: { decision: 'accept' } });
  });
});
