import { Answers } from '../../lib/approvals/answers';
import { INITIAL_TURN_PROGRESS, reduceTurnProgress, type TurnProgress } from '../../lib/operators/turn-progress';
import { isServerRequest, type TurnNotification } from '../../lib/turn/turn-notification';
import { collectPending, commandApprovalParams, harness, turnInfo, THREAD, TURN, type Harness } from './harness';

const APPROVAL = 'item/commandExecution/requestApproval';

describe('server requests on the turn stream', () => {
  let h: Harness;
  afterEach(() => h?.dispose());

  it('the turn stream shows the request (before it is answered) and turnProgress tracks it until serverRequest/resolved', async () => {
    const order: string[] = [];
    h = await harness({
      approvalHandler: () => {
        order.push('handler');
        return Answers.accept();
      },
    });
    const thread = await h.thread();
    const events: TurnNotification[] = [];
    const progress: TurnProgress[] = [];
    let state = INITIAL_TURN_PROGRESS;
    let done = false;
    thread.turn('go').subscribe({
      next: (e) => {
        order.push(`event ${e.method}`);
        events.push(e);
        state = reduceTurnProgress(state, e);
        progress.push(state);
      },
      complete: () => (done = true),
    });

    h.transport.notify('turn/started', { threadId: THREAD, turn: turnInfo(TURN) });
    h.request(0, APPROVAL, commandApprovalParams());
    expect(order).toEqual(['event turn/started', `event ${APPROVAL}`, 'handler']);
    expect(events[1]).toEqual({ id: 0, method: APPROVAL, params: commandApprovalParams() });
    expect(isServerRequest(events[1]!)).toBe(true);
    expect(state.pendingRequests).toEqual([events[1]]);

    // The real server says `serverRequest/resolved {threadId, requestId}` (no turnId) after the answer.
    h.transport.notify('serverRequest/resolved', { threadId: THREAD, requestId: 0 });
    expect(events[2]).toEqual({ method: 'serverRequest/resolved', params: { threadId: THREAD, requestId: 0 } });
    expect(state.pendingRequests).toEqual([]);

    h.transport.notify('turn/completed', { threadId: THREAD, turn: turnInfo(TURN, 'completed') });
    expect(done).toBe(true);
    expect(progress.map((p) => p.pendingRequests.length)).toEqual([0, 1, 0, 0]);
    expect(h.codex.stats).toMatchObject({ routes: 0, trackedRequests: 0, pendingServerRequests: 0 });
  });

  it('a request waiting on pendingRequests$ is on the turn stream too, and stays pending in turnProgress until resolved', async () => {
    h = await harness();
    const { received } = collectPending(h.codex);
    const thread = await h.thread();
    const run = h.turn(thread, TURN);
    h.request(0, APPROVAL, commandApprovalParams());
    h.request(1, 'item/fileChange/requestApproval', { threadId: THREAD, turnId: TURN, itemId: 'call_2', startedAtMs: 1, reason: null, grantRoot: null });
    const progress = () => run.events.reduce(reduceTurnProgress, INITIAL_TURN_PROGRESS);
    expect(progress().pendingRequests.map((r) => r.id)).toEqual([0, 1]);

    received[1]!.respond(Answers.decline());
    h.transport.notify('serverRequest/resolved', { threadId: THREAD, requestId: 1 });
    expect(progress().pendingRequests.map((r) => r.id)).toEqual([0]);

    received[0]!.respond(Answers.accept());
    h.transport.notify('serverRequest/resolved', { threadId: THREAD, requestId: 0 });
    expect(progress().pendingRequests).toEqual([]);
    expect(h.answer(0)!.result).toEqual({ decision: 'accept' });
    expect(h.answer(1)!.result).toEqual({ decision: 'decline' });
  });

  it('requests of other turns and threads do not show on this turn', async () => {
    h = await harness();
    const thread = await h.thread();
    const run = h.turn(thread, TURN);
    h.request(0, APPROVAL, commandApprovalParams({ turnId: 'turn-other' }));
    h.request(1, APPROVAL, commandApprovalParams({ threadId: 'thr-other', turnId: 'turn-x' }));
    expect(run.events).toEqual([]);
    expect(h.answer(0)!.result).toEqual({ decision: 'decline' });
    expect(h.answer(1)!.result).toEqual({ decision: 'decline' });
  });
});
