/**
 * thread.attach(turnId) over the in-memory app-server: a turn started elsewhere, joined at every
 * point of its life. The `script` marble is what the server does (letters deliver a message,
 * `r` answers the pending thread/read, `R` the pending thread/resume); `sent` is what the client
 * wrote (R = thread/read or thread/resume, I = turn/interrupt, A = an answer to a server request).
 */
import { defer as defer$, last, map } from 'rxjs';
import type { Thread as ThreadInfo } from '../../lib/protocol/generated/v2/Thread.js';
import type { ThreadItem } from '../../lib/protocol/generated/v2/ThreadItem.js';
import type { Turn } from '../../lib/protocol/generated/v2/Turn.js';
import type { Thread } from '../../lib/thread.js';
import { turnProgress } from '../../lib/operators/turn-progress.js';
import { toTurnResult } from '../../lib/turn/turn-result.js';
import * as kit from '../../lib/testing/payloads/index.js';
import { DEFAULT_TURN_REF, FAKE_THREAD_ID, FAKE_TURN_ID, agentMessageDelta, agentMessageItem, commandApprovalRequest, itemCompleted, itemStarted, serverRequestResolved, threadInfo, turnCompleted, turnInfo, turnStarted, userMessageItem } from '../../lib/testing/index.js';
import { expectIdle } from '../support/expectations.js';
import { clientBench, type HotFn, type Step } from '../support/thread-bench.js';

const USER = userMessageItem('user-1', 'Write a poem');
const ANSWER = agentMessageItem('msg-1', 'Hello', 'final_answer');

/** The server's record of turn-1: status and finished items. */
function record(status: Turn['status'], items: ThreadItem[]): Turn {
  return turnInfo({ id: FAKE_TURN_ID, status, items, startedAt: 1_700_000_000, ...(status === 'inProgress' ? {} : { completedAt: 1_700_000_005, durationMs: 5000 }) });
}

/** What attach emits for the record's turn/started: the turn as it started (no items yet). */
function recordStarted(turn: Turn) {
  return { method: 'turn/started', params: { threadId: FAKE_THREAD_ID, turn: { ...turn, items: [], status: 'inProgress', error: null, completedAt: null, durationMs: null } } };
}

/** What attach emits for a finished item of the record. */
function recordItem(item: ThreadItem) {
  return { method: 'item/completed', params: { item, threadId: FAKE_THREAD_ID, turnId: FAKE_TURN_ID, completedAtMs: expect.any(Number) } };
}

const n = {
  s: turnStarted(),
  t: itemStarted(agentMessageItem('msg-1', '')),
  d: agentMessageDelta('msg-1', 'Hel'),
  e: agentMessageDelta('msg-1', 'lo'),
  i: itemCompleted(ANSWER),
  c: turnCompleted(DEFAULT_TURN_REF, 'completed'),
};

const SENT: Record<string, string> = { R: 'thread/read', Q: 'thread/resume', I: 'turn/interrupt', A: 'answer' };

describe('thread.attach() (marbles)', () => {
  const b = clientBench();

  /** Plays the server marble. */
  const serve = (hot: HotFn, marble: string, steps: Record<string, Step>) => b.serve(hot, marble, { ...n, ...steps });
  const sent$ = () => b.sent$();

  /** A thread resumed by hand: `R` answers its thread/resume with `info` (the thread exists after that). */
  function resumed(info: ThreadInfo): { thread: () => Thread; answer: () => void } {
    let thread: Thread | undefined;
    b.codex.threadResume(FAKE_THREAD_ID).subscribe((t) => (thread = t));
    return {
      thread: () => thread!,
      answer: () => b.server.respondTo('thread/resume', kit.threadResumeResponse(info)),
    };
  }

  /** A thread open here with no turn listed (thread/start answered at once). */
  function started(): Thread {
    b.transport.onRequest('thread/start', () => kit.threadStartResponse(threadInfo({ id: FAKE_THREAD_ID })));
    let thread: Thread | undefined;
    b.codex.threadStart().subscribe((t) => (thread = t));
    b.transport.clearSent();
    return thread!;
  }

  const readAnswer = (turn: Turn) => () => b.server.respondTo('thread/read', kit.threadReadResponse(threadInfo({ ...{ turns: [turn] }, id: FAKE_THREAD_ID })));

  it('joined before turn/started: the record first, then every live event; the live turn/started is not doubled', () => {
    const rec = record('inProgress', []);
    const thread = started();
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  --r-s-t-d-e-i-c';
      const expected = '--S---t-d-e-i-(c|)';
      const sent = '    R';
      serve(hot, script, { r: readAnswer(rec) });
      expectObservable(sent$()).toBe(sent, SENT);
      expectObservable(thread.attach(FAKE_TURN_ID)).toBe(expected, { ...n, S: recordStarted(rec) });
    });
    expect(b.server.paramsOf('thread/read')).toEqual([{ threadId: FAKE_THREAD_ID, includeTurns: true }]);
    expectIdle(b.codex);
  });

  it('live events that arrive before the record are held and deduplicated against it', () => {
    // The item completed live while thread/read was in flight: the record lists it too.
    const rec = record('inProgress', [USER, ANSWER]);
    const thread = started();
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  --s-t-d-i-r------c';
      const expected = '----------(SUI)--(c|)';
      serve(hot, script, { r: readAnswer(rec) });
      expectObservable(thread.attach(FAKE_TURN_ID)).toBe(expected, { ...n, S: recordStarted(rec), U: recordItem(USER), I: recordItem(ANSWER) });
    });
    expectIdle(b.codex);
  });

  it('joined mid-item after a resume: the finished items, the replayed running item, then live; text and result fold whole', () => {
    // The gateway replays the running item's item/started and deltas right after the resume answer.
    const rec = record('inProgress', [USER]);
    b.scheduler.run(({ hot, expectObservable }) => {
      const r = resumed(threadInfo({ ...{ turns: [rec], status: { type: 'active', activeFlags: [] } }, id: FAKE_THREAD_ID }));
      const script = '  -(Rtd)----e-i-c';
      const sub = '     ----^';
      const expected = '----(SUtd)e-i-(c|)';
      serve(hot, script, { R: r.answer });
      hot('---x').subscribe(() => expect(r.thread().runningTurnId).toBe(FAKE_TURN_ID));
      expectObservable(defer$(() => r.thread().attach(FAKE_TURN_ID)), sub).toBe(expected, { ...n, S: recordStarted(rec), U: recordItem(USER) });
      hot('---------------x').subscribe(() => expect(r.thread().runningTurnId).toBeUndefined()); // seen completing
    });
    expect(b.server.methods().filter((m) => m === 'thread/read')).toEqual([]); // the resume answer was the record
    expectIdle(b.codex);
  });

  it('runningTurnId: the turn the resume answer listed, until it completes (attached or not)', () => {
    const rec = record('inProgress', [USER]);
    b.scheduler.run(({ hot, expectObservable }) => {
      const r = resumed(threadInfo({ ...{ turns: [turnInfo({ id: 'turn-0', status: 'completed' }), rec] }, id: FAKE_THREAD_ID }));
      serve(hot, '-R--i--c', { R: r.answer });
      expectObservable(hot('--x--x--x').pipe(map(() => r.thread().runningTurnId))).toBe('--a--a--u', { a: FAKE_TURN_ID, u: undefined });
    });
  });

  it('a turn already completed: its record and completion at once, then complete', () => {
    const rec = record('completed', [USER, ANSWER]);
    const thread = started();
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  --r';
      const expected = '--(SUIC|)';
      serve(hot, script, { r: readAnswer(rec) });
      expectObservable(thread.attach(FAKE_TURN_ID)).toBe(expected, {
        S: recordStarted(rec),
        U: recordItem(USER),
        I: recordItem(ANSWER),
        C: { method: 'turn/completed', params: { threadId: FAKE_THREAD_ID, turn: rec } },
      });
    });
    expectIdle(b.codex);
  });

  it('folds with toTurnResult and turnProgress as a live turn does', () => {
    const rec = record('inProgress', [USER]);
    b.scheduler.run(({ hot, expectObservable }) => {
      const r = resumed(threadInfo({ ...{ turns: [rec] }, id: FAKE_THREAD_ID }));
      const script = '  -(Rtd)----e-i-c';
      const sub = '     ----^';
      serve(hot, script, { R: r.answer });
      expectObservable(defer$(() => r.thread().attach(FAKE_TURN_ID).pipe(toTurnResult())), sub).toBe('--------------(x|)', {
        x: expect.objectContaining({ id: FAKE_TURN_ID, status: 'completed', finalResponse: 'Hello', items: [USER, ANSWER] }),
      });
      expectObservable(defer$(() => r.thread().attach(FAKE_TURN_ID).pipe(turnProgress(), last())), sub).toBe('--------------(x|)', {
        x: expect.objectContaining({ status: 'completed', text: 'Hello', items: [expect.objectContaining({ id: 'user-1', status: 'completed' }), expect.objectContaining({ id: 'msg-1', status: 'completed', text: 'Hello' })] }),
      });
    });
  });

  it('a replay heard twice (a second resume on one connection) does not double the text', () => {
    const rec = record('inProgress', [USER]);
    b.scheduler.run(({ hot, expectObservable }) => {
      const r = resumed(threadInfo({ ...{ turns: [rec] }, id: FAKE_THREAD_ID }));
      // t d: the replay after the first resume; t d again: the replay of another resume; then live.
      const script = '  -(Rtd)-(td)-e-i-c';
      const sub = '     ----^';
      const expected = '----(SUtd)--e-i-(c|)';
      serve(hot, script, { R: r.answer });
      expectObservable(defer$(() => r.thread().attach(FAKE_TURN_ID)), sub).toBe(expected, { ...n, S: recordStarted(rec), U: recordItem(USER) });
    });
  });

  it('unsubscribing sends no turn/interrupt; interrupt(turnId) does', () => {
    const rec = record('inProgress', []);
    const thread = started();
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  --r-s-d---';
      const sub = '     ^-------!';
      const expected = '--S---d--';
      const sent = '    R---------';
      serve(hot, script, { r: readAnswer(rec) });
      expectObservable(sent$()).toBe(sent, SENT);
      expectObservable(thread.attach(FAKE_TURN_ID), sub).toBe(expected, { ...n, S: recordStarted(rec) });
    });
    expect(b.server.methods()).not.toContain('turn/interrupt');
    thread.interrupt(FAKE_TURN_ID).subscribe();
    expect(b.server.paramsOf('turn/interrupt')).toEqual([{ threadId: FAKE_THREAD_ID, turnId: FAKE_TURN_ID }]);
  });

  it('server requests of the turn still pending when it attaches are in its stream, and answered once', () => {
    // A client-level observer keeps the approval waiting (as a page's dialog would).
    const waiting: Array<{ respond(r: unknown): void }> = [];
    b.codex.pendingRequests$.subscribe((p) => waiting.push(p as never));
    const a = commandApprovalRequest(41, 'cmd-1', 'rm -rf build');
    const rec = record('inProgress', [USER]);
    const thread = started();
    b.scheduler.run(({ hot, expectObservable }) => {
      // y: the page answers from its dialog; z: the server says the request is resolved.
      const script = '  a-r-----y-z-c';
      const sub = '     -^';
      const expected = '--(SUa)---z-(c|)';
      serve(hot, script, { a, z: serverRequestResolved(41), r: readAnswer(rec), y: () => waiting[0]!.respond({ decision: 'accept' }) });
      expectObservable(thread.attach(FAKE_TURN_ID), sub).toBe(expected, { ...n, a, z: serverRequestResolved(41), S: recordStarted(rec), U: recordItem(USER) });
    });
    expect(waiting).toHaveLength(1);
    expect(b.transport.sent.filter((m) => m.id === 41)).toEqual([{ id: 41, result: { decision: 'accept' } }]);
  });

  it('a turn the thread does not have: a CodexError naming it', () => {
    const thread = started();
    b.scheduler.run(({ hot, expectObservable }) => {
      serve(hot, '--r', { r: () => b.server.respondTo('thread/read', kit.threadReadResponse(threadInfo({ ...{ turns: [] }, id: FAKE_THREAD_ID }))) });
      expectObservable(thread.attach(FAKE_TURN_ID)).toBe('--#', undefined, expect.objectContaining({ name: 'CodexError', message: `thread ${FAKE_THREAD_ID} has no turn ${FAKE_TURN_ID}` }));
    });
    expectIdle(b.codex);
  });

  it('refuses a turn id that is not a non-empty string (nothing sent)', () => {
    const thread = started();
    b.scheduler.run(({ expectObservable }) => {
      expectObservable(thread.attach('' as string)).toBe('#', undefined, expect.objectContaining({ name: 'ValidationError' }));
    });
    expect(b.transport.sent).toEqual([]);
  });

  it('two attachers of one turn each get the whole turn, once', () => {
    const rec = record('inProgress', []);
    const thread = started();
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '  --r-r-s-d-c';
      const second = '  -^';
      serve(hot, script, { r: readAnswer(rec) });
      expectObservable(thread.attach(FAKE_TURN_ID)).toBe('--S-----d-(c|)', { ...n, S: recordStarted(rec) });
      // The second joined before the record came: it reads it too (its own r), and hears nothing twice.
      expectObservable(defer$(() => thread.attach(FAKE_TURN_ID)), second).toBe('----S---d-(c|)', { ...n, S: recordStarted(rec) });
    });
    expectIdle(b.codex);
  });

  it('after the turn completed, a new attach reads its record again: the finished turn at once', () => {
    const live = record('inProgress', []);
    const done = record('completed', [ANSWER]);
    const thread = started();
    b.scheduler.run(({ hot, expectObservable }) => {
      serve(hot, '  --r-c-R', { r: readAnswer(live), R: readAnswer(done) });
      expectObservable(thread.attach(FAKE_TURN_ID)).toBe('--S-(c|)', { ...n, S: recordStarted(live) });
      expectObservable(defer$(() => thread.attach(FAKE_TURN_ID)), '-----^').toBe('------(SIC|)', {
        S: recordStarted(done),
        I: recordItem(ANSWER),
        C: { method: 'turn/completed', params: { threadId: FAKE_THREAD_ID, turn: done } },
      });
    });
    expect(b.server.paramsOf('thread/read')).toEqual([{ threadId: FAKE_THREAD_ID, includeTurns: true }, { threadId: FAKE_THREAD_ID, includeTurns: true }]);
    expectIdle(b.codex);
  });

  it('after the client closed: an error, nothing sent', () => {
    const thread = started();
    void b.codex.close();
    const errors: unknown[] = [];
    thread.attach(FAKE_TURN_ID).subscribe({ error: (e) => errors.push(e) });
    expect(errors).toEqual([expect.objectContaining({ name: 'TransportClosedError' })]);
    expect(b.transport.sent).toEqual([]);
  });
});
