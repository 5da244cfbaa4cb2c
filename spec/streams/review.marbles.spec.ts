/**
 * thread.review() over the in-memory app-server. On the wire a review has two turn ids: the
 * `review/start` answer and the items/turn/completed carry X (`turn-1`); turn/started carries Y
 * (`turn-1b`) with `rootTurnId` X, and only Y can be interrupted. Script letters: r answers
 * review/start, s = turn/started (Y), i = an item of X, c = turn/completed (X), K kills the
 * app-server. Sent letters: R = review/start, I = turn/interrupt.
 */
import { lastValueFrom } from 'rxjs';
import { TransportClosedError } from '../../lib/errors.js';
import { turnProgress } from '../../lib/operators/turn-progress.js';
import type { Thread } from '../../lib/thread.js';
import { toTurnResult } from '../../lib/turn/turn-result.js';
import { DEFAULT_TURN_REF, FAKE_THREAD_ID, FAKE_TURN_ID, agentMessageItem, itemCompleted, turnCompleted, turnInfo } from '../../lib/testing/index.js';
import { openThread } from '../support/hand-server.js';
import { anError, expectIdle } from '../support/expectations.js';
import { eachStreamBench } from './support.js';

const RUN_ID = 'turn-1b';
const SENT = { R: 'review/start', I: 'turn/interrupt' };
const reviewStarted = { method: 'turn/started', params: { threadId: FAKE_THREAD_ID, turn: turnInfo({ id: RUN_ID, status: 'inProgress', ...{ rootTurnId: FAKE_TURN_ID } }) } };
const n = {
  s: reviewStarted,
  i: itemCompleted(agentMessageItem('msg-1', 'Looks good: no issues found.')),
  c: turnCompleted(DEFAULT_TURN_REF, 'completed'),
  C: turnCompleted(DEFAULT_TURN_REF, 'interrupted'),
  // another turn of the thread: not the review
  o: { method: 'turn/started', params: { threadId: FAKE_THREAD_ID, turn: turnInfo({ id: 'turn-0' }) } },
};

describe('thread.review() (marbles)', () => {
  let thread: Thread;
  const b = eachStreamBench(() => {
    thread = openThread(b.codex, b.transport);
    b.transport.onRequest('turn/interrupt', () => ({}));
  });
  const answer = () => b.server.respondTo('review/start', { turn: turnInfo({ id: FAKE_TURN_ID }), reviewThreadId: FAKE_THREAD_ID });

  it('is cold; emits turn/started, the items and turn/completed of the review, then completes', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const review$ = thread.review({ type: 'uncommittedChanges' });
      b.serve(hot, '  --r-o-s-i-c', { ...n, r: answer });
      const sub = '   -^';
      expectObservable(b.sent$(SENT)).toBe('-R', SENT);
      expectObservable(review$, sub).toBe('------s-i-(c|)', n);
    });
    expect(b.server.paramsOf('review/start')).toEqual([{ threadId: FAKE_THREAD_ID, target: { type: 'uncommittedChanges' } }]);
    expectIdle(b.codex);
  });

  it('delivers what arrived before the review/start answer', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -s-i-r----c', { ...n, r: answer });
      expectObservable(thread.review({ type: 'custom', instructions: 'check README' })).toBe('-----(si)-(c|)', n);
    });
    expectIdle(b.codex);
  });

  it('interrupts the running review turn (the turn/started id) exactly once when unsubscribed', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -r-s-i---C', { ...n, r: answer });
      const sub = '   ^------!';
      expectObservable(b.sent$(SENT)).toBe('R------I', SENT);
      expectObservable(thread.review({ type: 'uncommittedChanges' }), sub).toBe('---s-i--', n);
    });
    expect(b.server.paramsOf('turn/interrupt')).toEqual([{ threadId: FAKE_THREAD_ID, turnId: RUN_ID }]);
    expect(b.warnings).toEqual([]);
    expectIdle(b.codex);
  });

  it('waits for turn/started to interrupt when unsubscribed before the review runs', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -r-----s-C', { ...n, r: answer });
      const sub = '   ^--!';
      expectObservable(b.sent$(SENT)).toBe('R------I', SENT);
      expectObservable(thread.review({ type: 'uncommittedChanges' }), sub).toBe('---', n);
    });
    expect(b.server.paramsOf('turn/interrupt')).toEqual([{ threadId: FAKE_THREAD_ID, turnId: RUN_ID }]);
    expectIdle(b.codex);
  });

  it('sends nothing when unsubscribed after turn/completed', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -r-s-c', { ...n, r: answer });
      const sub = '   ^---------!';
      expectObservable(b.sent$(SENT)).toBe('R', SENT);
      expectObservable(thread.review({ type: 'uncommittedChanges' }), sub).toBe('---s-(c|)', n);
    });
    expectIdle(b.codex);
  });

  it('works with toTurnResult() and turnProgress()', async () => {
    b.transport.onRequest('review/start', () => ({ turn: turnInfo({ id: FAKE_TURN_ID }), reviewThreadId: FAKE_THREAD_ID }));
    const result = lastValueFrom(thread.review({ type: 'uncommittedChanges' }).pipe(toTurnResult()));
    for (const m of [n.s, n.i, n.c]) b.server.emit(m);
    await expect(result).resolves.toEqual(expect.objectContaining({ id: FAKE_TURN_ID, status: 'completed', finalResponse: 'Looks good: no issues found.' }));

    const progress: string[] = [];
    thread.review({ type: 'uncommittedChanges' }).pipe(turnProgress()).subscribe((p) => progress.push(`${p.status}:${p.items.length}`));
    for (const m of [n.s, n.i, n.c]) b.server.emit(m);
    expect(progress).toEqual(['inProgress:0', 'inProgress:1', 'completed:1']);
    expectIdle(b.codex);
  });

  it('a running review is the active turn: thread.interrupt() stops it by its turn/started id', async () => {
    b.transport.onRequest('review/start', () => ({ turn: turnInfo({ id: FAKE_TURN_ID }), reviewThreadId: FAKE_THREAD_ID }));
    const events: string[] = [];
    const sub = thread.review({ type: 'uncommittedChanges' }).subscribe({ next: (e) => events.push(e.method), complete: () => events.push('complete') });
    expect(thread.activeTurn).toBeUndefined(); // answered, not running yet
    b.server.emit(n.s);
    expect(thread.activeTurn).toBe(RUN_ID);
    await lastValueFrom(thread.interrupt());
    expect(b.server.paramsOf('turn/interrupt')).toEqual([{ threadId: FAKE_THREAD_ID, turnId: RUN_ID }]);
    b.server.emit(n.C);
    expect(events).toEqual(['turn/started', 'turn/completed', 'complete']);
    expect(thread.activeTurn).toBeUndefined();
    sub.unsubscribe();
    expectIdle(b.codex);
  });

  it('a review left before it runs never becomes the active turn; one left while running stops being it', () => {
    b.transport.onRequest('review/start', () => ({ turn: turnInfo({ id: FAKE_TURN_ID }), reviewThreadId: FAKE_THREAD_ID }));
    thread.review({ type: 'uncommittedChanges' }).subscribe().unsubscribe();
    b.server.emit(n.s);
    expect(thread.activeTurn).toBeUndefined();
    b.server.emit(n.C);

    const running = thread.review({ type: 'uncommittedChanges' }).subscribe();
    b.server.emit(n.s);
    expect(thread.activeTurn).toBe(RUN_ID);
    running.unsubscribe();
    expect(thread.activeTurn).toBeUndefined();
    expect(b.server.paramsOf('turn/interrupt')).toEqual([
      { threadId: FAKE_THREAD_ID, turnId: RUN_ID },
      { threadId: FAKE_THREAD_ID, turnId: RUN_ID },
    ]);
    b.server.emit(n.C);
    expectIdle(b.codex);
  });

  it('errors with TransportClosedError when the app-server dies', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -r-s-K', { ...n, r: answer, K: () => b.transport.fail() });
      expectObservable(thread.review({ type: 'uncommittedChanges' })).toBe('---s-#', n, anError(TransportClosedError));
    });
  });
});
