/**
 * Timing of the cold turn stream (thread.turn) over the in-memory app-server. The `script`
 * marble is what the app-server does, frame by frame: a letter delivers a notification, `r`
 * answers the pending turn/start, `K` kills the process. The `sent` marble is every message
 * the client wrote (S = turn/start, I = turn/interrupt, A = an answer to a server request).
 */
import { InvalidParamsError, InvalidRequestError, JsonRpcError, ServerBusyError, TransportClosedError } from '../../lib/errors.js';
import { DEFAULT_TURN_REF, FAKE_THREAD_ID, FAKE_TURN_ID, agentMessageDelta, commandApprovalRequest, serverRequestResolved, turnCompleted, turnStartResponse, turnStarted } from '../../lib/testing/index.js';
import { anError, expectIdle } from '../support/expectations.js';
import { threadBench, TURN_NOTIFICATIONS, type HotFn, type Step } from '../support/thread-bench.js';

/** The notifications of turn-1 (and a few strangers), by marble letter. */
const n = {
  ...TURN_NOTIFICATIONS,
  // strangers: another turn of the same thread, and another thread
  x: turnStarted({ threadId: FAKE_THREAD_ID, turnId: 'turn-0' }),
  X: agentMessageDelta('msg-0', 'not mine', { threadId: FAKE_THREAD_ID, turnId: 'turn-0' }),
  y: agentMessageDelta('msg-9', 'other thread', { threadId: 'thr-9', turnId: 'turn-9' }),
};

const SENT = { S: 'turn/start', I: 'turn/interrupt', A: 'answer' };

describe('thread.turn() timing (marbles)', () => {
  const b = threadBench({ expectNoActiveTurn: true });

  /** Plays the server marble: letters of `n` are delivered, functions are run. */
  const serve = (hot: HotFn, marble: string, extra: Record<string, Step> = {}) =>
    b.serve(hot, marble, { ...n, r: () => b.server.respondTo('turn/start', turnStartResponse()), ...extra });

  /** What the client wrote, one letter per message. */
  const sent$ = b.sent$;

  it('is cold: nothing is sent before subscription, turn/start at subscription', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const turn$ = b.thread.turn('Hello');
      const script = '  ------r-s-c';
      const sub = '     ---^';
      const expected = '--------s-(c|)';
      const sent = '    ---S';
      serve(hot, script);
      expectObservable(sent$()).toBe(sent, SENT);
      expectObservable(turn$, sub).toBe(expected, n);
    });
    expect(b.server.paramsOf('turn/start')).toEqual([{ threadId: FAKE_THREAD_ID, input: [{ type: 'text', text: 'Hello', text_elements: [] }] }]);
    expectIdle(b.codex);
  });

  it('emits every notification of its turn in order and completes right after turn/completed', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  --r-s-t-d-e-i-u-c-d';
      const expected = '----s-t-d-e-i-u-(c|)';
      const sent = '    S';
      serve(hot, script);
      expectObservable(sent$()).toBe(sent, SENT);
      expectObservable(b.thread.turn('Hi')).toBe(expected, n);
    });
    expectIdle(b.codex);
  });

  it('delivers what arrived before the turn/start answer, in order, once the answer arrives', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  --s-d-e-r----i-c';
      const expected = '--------(sde)i-(c|)';
      serve(hot, script);
      expectObservable(b.thread.turn('Hi')).toBe(expected, n);
    });
    expectIdle(b.codex);
  });

  it('delivers a turn/completed that raced ahead of the answer, then completes; no turn/interrupt', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  --s-i-c-r----';
      const sub = '     -^';
      const expected = '--------(sic|)';
      const sent = '    -S------------';
      serve(hot, script);
      expectObservable(sent$()).toBe(sent, SENT);
      expectObservable(b.thread.turn('Hi'), sub).toBe(expected, n);
    });
    expectIdle(b.codex);
  });

  it.each(['completed', 'interrupted', 'failed'] as const)('completes right after turn/completed with status %s', (status) => {
    const c = turnCompleted(DEFAULT_TURN_REF, status, null, { error: null });
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  --r-s-c-d';
      const sub = '     ^---------!';
      const expected = '----s-(c|)';
      const sent = '    S---------';
      serve(hot, script, { c });
      expectObservable(sent$()).toBe(sent, SENT);
      expectObservable(b.thread.turn('Hi'), sub).toBe(expected, { ...n, c });
    });
    expectIdle(b.codex);
  });

  it('does not deliver notifications of other turns or other threads', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  --x-y-s-r-X-y-d-c';
      const expected = '--------s-----d-(c|)';
      serve(hot, script);
      expectObservable(b.thread.turn('Hi')).toBe(expected, n);
    });
    expectIdle(b.codex);
  });

  it('shows the turn’s server requests in the stream and still answers them (safely)', () => {
    const a = commandApprovalRequest(77, 'cmd-1', 'rm -rf build');
    const z = serverRequestResolved(77);
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  --r-s-a-z-c';
      const expected = '----s-a-z-(c|)';
      const sent = '    S-----A';
      serve(hot, script, { a, z });
      expectObservable(sent$()).toBe(sent, SENT);
      expectObservable(b.thread.turn('Hi')).toBe(expected, { ...n, a, z });
    });
    expect(b.transport.sent.find((m) => m.id === 77)).toEqual({ id: 77, result: { decision: 'decline' } });
    expectIdle(b.codex);
  });

  it('routes serverRequest/resolved to the turn even when the request arrived before the turn/start answer', () => {
    const a = commandApprovalRequest(78, 'cmd-1', 'rm -rf build');
    const z = serverRequestResolved(78);
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  --s-a-r---z-c';
      const expected = '------(sa)z-(c|)';
      serve(hot, script, { a, z });
      expectObservable(b.thread.turn('Hi')).toBe(expected, { ...n, a, z });
    });
    expectIdle(b.codex);
  });

  it('sends turn/interrupt {threadId, turnId} when unsubscribed before turn/completed', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  --r-s-d----c';
      const sub = '     -^------!';
      const expected = '----s-d--';
      const sent = '    -S------I';
      serve(hot, script, { c: turnCompleted(DEFAULT_TURN_REF, 'interrupted') });
      expectObservable(sent$()).toBe(sent, SENT);
      expectObservable(b.thread.turn('Hi'), sub).toBe(expected, n);
    });
    expect(b.server.paramsOf('turn/interrupt')).toEqual([{ threadId: FAKE_THREAD_ID, turnId: FAKE_TURN_ID }]);
    expectIdle(b.codex);
  });

  it('sends turn/interrupt as soon as the answer arrives when unsubscribed before the id was known', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  --s---r---c';
      const sub = '     -^--!';
      const expected = '---';
      const sent = '    -S----I';
      serve(hot, script, { c: turnCompleted(DEFAULT_TURN_REF, 'interrupted') });
      expectObservable(sent$()).toBe(sent, SENT);
      expectObservable(b.thread.turn('Hi'), sub).toBe(expected, n);
    });
    expect(b.server.paramsOf('turn/interrupt')).toEqual([{ threadId: FAKE_THREAD_ID, turnId: FAKE_TURN_ID }]);
    expectIdle(b.codex);
  });

  it('sends no turn/interrupt when the turn completed before the answer and the consumer left early', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  --s-c-r--';
      const sub = '     -^-!';
      const expected = '--';
      const sent = '    -S-------';
      serve(hot, script);
      expectObservable(sent$()).toBe(sent, SENT);
      expectObservable(b.thread.turn('Hi'), sub).toBe(expected, n);
    });
    expectIdle(b.codex);
  });

  it('sends no turn/interrupt when unsubscribed after completion', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  -r-c';
      const sub = '     ^-------!';
      const expected = '---(c|)';
      const sent = '    S-------';
      serve(hot, script);
      expectObservable(sent$()).toBe(sent, SENT);
      expectObservable(b.thread.turn('Hi'), sub).toBe(expected, n);
    });
    expectIdle(b.codex);
  });

  it('starts a second turn for a second subscription', () => {
    const R = () => b.server.respondTo('turn/start', turnStartResponse('turn-2'));
    const C = turnCompleted({ threadId: FAKE_THREAD_ID, turnId: 'turn-2' }, 'completed', null);
    b.scheduler.run(({ hot, expectObservable }) => {
      const turn$ = b.thread.turn('Hi');
      const script = '   ----r-c-----R-C';
      const sub1 = '     --^';
      const expected1 = '------(c|)';
      const sub2 = '     --------^';
      const expected2 = '--------------(C|)';
      const sent = '     --S-----S';
      serve(hot, script, { R, C });
      expectObservable(sent$()).toBe(sent, SENT);
      expectObservable(turn$, sub1).toBe(expected1, n);
      expectObservable(turn$, sub2).toBe(expected2, { C });
    });
    const [first, second] = b.server.paramsOf('turn/start');
    expect(second).toEqual(first);
    expect(b.server.requests('turn/start').map((m) => m.id)).toHaveLength(2);
    expectIdle(b.codex);
  });

  it.each([
    [-32602, 'Invalid params', InvalidParamsError],
    [-32600, 'thread not found', InvalidRequestError],
    [-32001, 'Server overloaded; retry later', ServerBusyError],
    [-32099, 'something else', JsonRpcError],
  ] as const)('errors with the mapped JsonRpcError subclass when turn/start fails with %i', (code, message, cls) => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  --s-f';
      const expected = '----#';
      serve(hot, script, { f: () => b.server.failTo('turn/start', code, message) });
      expectObservable(b.thread.turn('Hi')).toBe(expected, n, anError(cls, { code, method: 'turn/start' }));
    });
    expectIdle(b.codex);
  });

  it('errors with TransportClosedError when the app-server dies mid-turn', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  --r-s-K';
      const expected = '----s-#';
      serve(hot, script, { K: () => b.transport.fail() });
      expectObservable(b.thread.turn('Hi')).toBe(expected, n, anError(TransportClosedError, { exitCode: 1 }));
    });
    expectIdle(b.codex);
  });

  it('errors with TransportClosedError when the app-server dies before answering turn/start', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  --s-K';
      const expected = '----#';
      serve(hot, script, { K: () => b.transport.fail() });
      expectObservable(b.thread.turn('Hi')).toBe(expected, n, anError(TransportClosedError));
    });
    expectIdle(b.codex);
  });
});
