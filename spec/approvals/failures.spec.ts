import { map, NEVER, Observable, takeUntil, throwError, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Answers } from '../../lib/approvals/answers';
import type { ApprovalHandler, ServerRequestContext } from '../../lib/approvals/approval-router';
import { ValidationError } from '../../lib/errors';
import { commandApprovalParams, flushPromises, harness, harnessSync, PARAMS_BY_METHOD, type Harness } from './harness';

const APPROVAL = 'item/commandExecution/requestApproval';
const DECLINE = { decision: 'decline' };

/** Deadlines and slow handlers run in virtual time: exact frames, no sleeping. */
/** The TestScheduler of the running test: the client's timers run on it (CodexConfig.scheduler). */
let clock: TestScheduler;

function virtualTime(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('a handler that fails gets the safe default sent, and the failure reported', () => {
  let h: Harness;
  afterEach(() => h?.dispose());

  it.each<[string, ApprovalHandler]>([
    [
      'throws',
      () => {
        throw new Error('boom');
      },
    ],
    ['rejects its Promise', () => Promise.reject(new Error('boom'))],
    ['errors its Observable', () => throwError(() => new Error('boom'))],
  ])('a handler that %s', async (_, handler) => {
    h = await harness({ approvalHandler: handler });
    h.request(0, APPROVAL, commandApprovalParams());
    expect(await h.nextAnswer(0)).toEqual({ id: 0, result: DECLINE });
    expect(h.failures).toEqual([
      expect.objectContaining({ kind: 'handler-error', request: expect.objectContaining({ id: 0, method: APPROVAL }), threadId: 'thr-1', turnId: 'turn-1', error: expect.objectContaining({ message: 'boom' }) }),
    ]);
    await flushPromises();
    expect(h.answers(0)).toHaveLength(1);
  });

  it('a failing turn handler does not fall through to a handler that would accept', async () => {
    h = await harness({ approvalHandler: () => Answers.accept() });
    const thread = await h.thread();
    h.turn(thread, 'turn-1', {
      approvalHandler: () => {
        throw new Error('boom');
      },
    });
    h.request(0, APPROVAL, commandApprovalParams());
    expect(h.answer(0)).toEqual({ id: 0, result: DECLINE });
  });

  it.each<[string, unknown]>([
    ['a bare string', 'accept'],
    ['an unknown decision', { decision: 'yes' }],
    ['null', null],
    ['a Promise of garbage', Promise.resolve(42)],
  ])('a malformed answer (%s) is replaced by the safe default (invalid-answer)', async (_, answer) => {
    h = await harness({ approvalHandler: () => answer as never });
    h.request(0, APPROVAL, commandApprovalParams());
    expect(await h.nextAnswer(0)).toEqual({ id: 0, result: DECLINE });
    expect(h.failures).toEqual([expect.objectContaining({ kind: 'invalid-answer', error: expect.any(ValidationError) })]);
  });

  it('where no safe answer exists (token refresh), a failing handler yields JSON-RPC -32601', async () => {
    h = await harness({
      approvalHandler: () => {
        throw new Error('no tokens here');
      },
    });
    h.request(0, 'account/chatgptAuthTokens/refresh', PARAMS_BY_METHOD['account/chatgptAuthTokens/refresh']);
    expect(h.answer(0)).toEqual({ id: 0, error: { code: -32601, message: expect.any(String) } });
    expect(h.failures).toEqual([expect.objectContaining({ kind: 'handler-error' })]);
  });

  it('a client handler may answer token refresh (no safe default needed)', async () => {
    h = await harness({
      approvalHandler: (request) => (request.method === 'account/chatgptAuthTokens/refresh' ? { accessToken: 'tok', chatgptAccountId: 'acc', chatgptPlanType: null } : undefined),
    });
    h.request(0, 'account/chatgptAuthTokens/refresh', PARAMS_BY_METHOD['account/chatgptAuthTokens/refresh']);
    expect(h.answer(0)).toEqual({ id: 0, result: { accessToken: 'tok', chatgptAccountId: 'acc', chatgptPlanType: null } });
  });
});

describe('approvalTimeoutMs: the deadline of each server request', () => {
  let h: Harness;
  afterEach(() => h?.dispose());

  it('a handler slower than the deadline: the safe default is sent at the deadline, the late answer is dropped', () => {
    (clock = virtualTime()).run(({ expectObservable, flush }) => {
      let context: ServerRequestContext | undefined;
      h = harnessSync({
        scheduler: clock,
        approvalTimeoutMs: 40,
        approvalHandler: (_, ctx) => {
          context = ctx;
          return timer(120).pipe(map(() => Answers.accept()));
        },
      });
      h.request(0, APPROVAL, commandApprovalParams());
      expect(h.answer(0)).toBeUndefined();
      expect(context!.signal.aborted).toBe(false);
      expectObservable(h.answers$(0)).toBe('40ms x', { x: { id: 0, result: DECLINE } });
      flush();
      expect(context!.signal.aborted).toBe(true);
      expect(h.failures).toEqual([expect.objectContaining({ kind: 'timeout', request: expect.objectContaining({ id: 0 }) })]);
      expect(h.answers(0)).toHaveLength(1); // the handler's accept at 120 ms was dropped
    });
  });

  it('the Observable of a timed-out handler is unsubscribed (e.g. its dialog closes)', () => {
    (clock = virtualTime()).run(({ expectObservable, flush }) => {
      let closed = false;
      h = harnessSync({ scheduler: clock, approvalTimeoutMs: 20, approvalHandler: () => new Observable<never>(() => () => (closed = true)) });
      h.request(0, APPROVAL, commandApprovalParams());
      expectObservable(h.answers$(0)).toBe('20ms x', { x: { id: 0, result: DECLINE } });
      flush();
      expect(closed).toBe(true);
    });
  });

  it('an answer within the deadline is sent as is', () => {
    (clock = virtualTime()).run(({ expectObservable, flush }) => {
      h = harnessSync({ scheduler: clock, approvalTimeoutMs: 200, approvalHandler: () => timer(10).pipe(map(() => Answers.accept())) });
      h.request(0, APPROVAL, commandApprovalParams());
      expectObservable(h.answers$(0)).toBe('10ms x', { x: { id: 0, result: { decision: 'accept' } } });
      flush();
      expect(h.failures).toEqual([]);
    });
  });

  it('without a deadline a handler may take as long as it likes', () => {
    (clock = virtualTime()).run(({ expectObservable, flush }) => {
      h = harnessSync({ approvalHandler: () => NEVER });
      h.request(0, APPROVAL, commandApprovalParams());
      expectObservable(h.answers$(0).pipe(takeUntil(timer(60 * 60_000)))).toBe('60m |'); // an hour: no answer
      flush();
      expect(h.answer(0)).toBeUndefined();
      expect(h.codex.stats.pendingServerRequests).toBe(1);
    });
  });

  it('closing the client ends waiting handlers without an answer and aborts their signal', async () => {
    let context: ServerRequestContext | undefined;
    h = await harness({
      approvalHandler: (_, ctx) => {
        context = ctx;
        return NEVER;
      },
    });
    h.request(0, APPROVAL, commandApprovalParams());
    await h.codex.close();
    expect(context!.signal.aborted).toBe(true);
    expect(h.answer(0)).toBeUndefined();
    expect(h.codex.stats.pendingServerRequests).toBe(0);
  });
});
