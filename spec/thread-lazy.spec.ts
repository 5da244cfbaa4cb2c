/** codex.thread(): a Thread returned at once, started by its first use, exactly once. */
import { CodexError, InvalidRequestError, ValidationError } from '../lib/errors.js';
import { turnIdOf } from '../lib/turn/turn-event.js';
import { FAKE_THREAD_ID, FAKE_TURN_ID, agentMessageDelta, agentMessageItem, commandApprovalRequest, itemCompleted, threadInfo, threadStartResponse, turnCompleted, turnStartResponse, turnStarted } from '../lib/testing/index.js';
import { expectIdle } from './support/expectations.js';
import { ObservableStream } from './support/observable-stream.js';
import { clientBench } from './support/thread-bench.js';

describe('codex.thread()', () => {
  const bench = clientBench();

  /** Answers the pending thread/start (the fake would otherwise leave it waiting). */
  const answerStart = (id = FAKE_THREAD_ID) => bench.server.respondTo('thread/start', threadStartResponse(threadInfo({ id: id })));

  it('returns a Thread at once and does no I/O — not even the handshake — before its first use', () => {
    const thread = bench.codex.thread({ model: 'gpt-test' });
    thread.turn('not subscribed');
    thread.read();
    thread.setName('x');
    expect(thread.id).toBeUndefined();
    expect(thread.info).toBeUndefined();
    expect(bench.transport.sent).toEqual([]);
  });

  it('throws ValidationError at once for bad options, sending nothing', () => {
    expect(() => bench.codex.thread({ sandbox: 'everything' as never })).toThrow(ValidationError);
    expect(() => bench.codex.thread({ approvalHandler: 'yes' as never })).toThrow(ValidationError);
    expect(bench.transport.sent).toEqual([]);
  });

  it('its first turn sends thread/start with the options, then turn/start on that thread; id is set from then on', async () => {
    const thread = bench.codex.thread({ model: 'gpt-test' });
    const result = new ObservableStream(thread.run('Hello'));
    expect(bench.server.methods()).toEqual(['initialize', 'initialized', 'thread/start']);
    expect(bench.server.paramsOf('thread/start')).toEqual([{ model: 'gpt-test' }]);
    answerStart();
    expect(thread.id).toBe(FAKE_THREAD_ID);
    expect(thread.info?.id).toBe(FAKE_THREAD_ID);
    expect(bench.server.paramsOf('turn/start')).toEqual([{ threadId: FAKE_THREAD_ID, input: [{ type: 'text', text: 'Hello', text_elements: [] }] }]);
    bench.server.respondTo('turn/start', turnStartResponse());
    bench.server.emit(turnStarted());
    bench.server.emit(itemCompleted(agentMessageItem('m1', 'Hi!', 'final_answer')));
    bench.server.emit(turnCompleted());
    expect((await result.takeNext()).finalResponse).toBe('Hi!');
    expectIdle(bench.codex);
  });

  it('sends ONE thread/start when first uses race (two turns, a read, a rename), each then runs on that thread', () => {
    const thread = bench.codex.thread();
    const a = new ObservableStream(thread.turn('a'));
    const b = new ObservableStream(thread.turn('b'));
    const read = new ObservableStream(thread.read());
    const named = new ObservableStream(thread.setName('racing'));
    expect(bench.server.requests('thread/start')).toHaveLength(1);
    answerStart();
    expect(bench.server.requests('thread/start')).toHaveLength(1);
    expect(bench.server.paramsOf('turn/start').map((p) => (p as { threadId: string }).threadId)).toEqual([FAKE_THREAD_ID, FAKE_THREAD_ID]);
    expect(bench.server.paramsOf('thread/read')).toEqual([{ threadId: FAKE_THREAD_ID, includeTurns: false }]);
    expect(bench.server.paramsOf('thread/name/set')).toEqual([{ threadId: FAKE_THREAD_ID, name: 'racing' }]);
    for (const s of [a, b, read, named]) s.unsubscribe();
  });

  it('keeps one thread across turns (the history lives on the server thread)', () => {
    const thread = bench.codex.thread();
    thread.run('first').subscribe({ error: () => undefined });
    answerStart();
    bench.server.respondTo('turn/start', turnStartResponse('turn-1'));
    bench.server.emit(turnCompleted({ threadId: FAKE_THREAD_ID, turnId: 'turn-1' }, 'completed', null));
    thread.run('second').subscribe({ error: () => undefined });
    bench.server.respondTo('turn/start', turnStartResponse('turn-2'));
    bench.server.emit(turnCompleted({ threadId: FAKE_THREAD_ID, turnId: 'turn-2' }, 'completed', null));
    expect(bench.server.requests('thread/start')).toHaveLength(1);
    expect(bench.server.paramsOf('turn/start').map((p) => (p as { threadId: string }).threadId)).toEqual([FAKE_THREAD_ID, FAKE_THREAD_ID]);
    expectIdle(bench.codex);
  });

  it('a failed thread/start fails the uses waiting on it; the next use tries again', async () => {
    const thread = bench.codex.thread();
    const first = new ObservableStream(thread.run('a'));
    bench.server.failTo('thread/start', -32600, 'no');
    expect(InvalidRequestError.is(await first.takeError())).toBe(true);
    expect(thread.id).toBeUndefined();
    const second = new ObservableStream(thread.read());
    expect(bench.server.requests('thread/start')).toHaveLength(2);
    answerStart();
    bench.server.respondTo('thread/read', { thread: threadInfo({ id: FAKE_THREAD_ID }) });
    expect(await second.takeNext()).toEqual({ thread: threadInfo({ id: FAKE_THREAD_ID }) });
    expect(thread.id).toBe(FAKE_THREAD_ID);
  });

  it('starts the thread even when every first use left before the answer (the request is not abandoned half-way)', () => {
    const thread = bench.codex.thread();
    new ObservableStream(thread.turn('a')).unsubscribe();
    answerStart();
    expect(thread.id).toBe(FAKE_THREAD_ID);
    expect(bench.server.requests('turn/start')).toEqual([]);
    expectIdle(bench.codex);
  });

  it('steer() and interrupt() before the thread started error with CodexError and send nothing', async () => {
    const thread = bench.codex.thread();
    expect(CodexError.is(await new ObservableStream(thread.steer('more')).takeError())).toBe(true);
    expect(CodexError.is(await new ObservableStream(thread.interrupt()).takeError())).toBe(true);
    expect(bench.transport.sent).toEqual([]);
  });

  it('an approval handler set before the start (option or setApprovalHandler) answers the thread’s requests; its undo works', () => {
    const asked: string[] = [];
    const thread = bench.codex.thread({ approvalHandler: () => (asked.push('option'), undefined) });
    const undo = thread.setApprovalHandler(() => (asked.push('set'), undefined));
    const turn = new ObservableStream(thread.turn('a'));
    answerStart();
    bench.server.respondTo('turn/start', turnStartResponse());
    bench.server.emit(commandApprovalRequest('srv-1', 'cmd-1', 'rm -rf build'));
    expect(asked).toEqual(['set', 'option']);
    undo();
    bench.server.emit(commandApprovalRequest('srv-2', 'cmd-1', 'rm -rf build'));
    expect(asked).toEqual(['set', 'option', 'option']);
    expect(bench.transport.sent.filter((m) => m.id === 'srv-1' || m.id === 'srv-2').map((m) => m.result)).toEqual([{ decision: 'decline' }, { decision: 'decline' }]);
    turn.unsubscribe();
  });
});

describe('targeting a turn by id', () => {
  const bench = clientBench();
  beforeEach(() => {
    bench.transport.onRequest('thread/start', () => threadStartResponse());
  });

  it('turnIdOf() of the first event names the turn; steer({ turnId }) and interrupt(turnId) send it, not the active turn', async () => {
    const thread = bench.codex.thread();
    const first = new ObservableStream(thread.turn('panel 1'));
    bench.server.respondTo('turn/start', turnStartResponse('turn-1'));
    bench.server.emit(turnStarted({ threadId: FAKE_THREAD_ID, turnId: 'turn-1' }));
    const firstId = turnIdOf(await first.takeNext());
    expect(firstId).toBe('turn-1');
    // A second panel's turn is the active one now (another id: say, after the first was folded elsewhere).
    const second = new ObservableStream(thread.turn('panel 2'));
    bench.server.respondTo('turn/start', turnStartResponse('turn-2'));
    bench.server.emit(turnStarted({ threadId: FAKE_THREAD_ID, turnId: 'turn-2' }));
    expect(thread.activeTurn).toBe('turn-2');

    const quiet = { error: () => undefined };
    thread.steer('only for panel 1', { turnId: firstId }).subscribe(quiet);
    thread.interrupt(firstId).subscribe(quiet);
    thread.steer('for the active turn').subscribe(quiet);
    expect(bench.server.paramsOf('turn/steer')).toEqual([
      { threadId: FAKE_THREAD_ID, expectedTurnId: 'turn-1', input: [{ type: 'text', text: 'only for panel 1', text_elements: [] }] },
      { threadId: FAKE_THREAD_ID, expectedTurnId: 'turn-2', input: [{ type: 'text', text: 'for the active turn', text_elements: [] }] },
    ]);
    expect(bench.server.paramsOf('turn/interrupt')).toEqual([{ threadId: FAKE_THREAD_ID, turnId: 'turn-1' }]);
    first.unsubscribe();
    second.unsubscribe();
  });

  it('a named turn needs no active turn (e.g. one another client started)', () => {
    const thread = bench.codex.thread();
    thread.read().subscribe({ error: () => undefined });
    thread.interrupt('turn-elsewhere').subscribe({ error: () => undefined });
    expect(bench.server.paramsOf('turn/interrupt')).toEqual([{ threadId: FAKE_THREAD_ID, turnId: 'turn-elsewhere' }]);
  });

  it('refuses an empty or non-string turn id with ValidationError, sending nothing', async () => {
    const thread = bench.codex.thread();
    thread.read().subscribe({ error: () => undefined });
    bench.transport.clearSent();
    expect(ValidationError.is(await new ObservableStream(thread.steer('x', { turnId: '' })).takeError())).toBe(true);
    expect(ValidationError.is(await new ObservableStream(thread.interrupt(42 as never)).takeError())).toBe(true);
    expect(bench.transport.sent).toEqual([]);
  });

  it('turnIdOf reads params.turnId or params.turn.id', () => {
    expect(turnIdOf(agentMessageDelta('m', 'x', { threadId: FAKE_THREAD_ID, turnId: 'turn-9' }))).toBe('turn-9');
    expect(turnIdOf(turnCompleted({ threadId: FAKE_THREAD_ID, turnId: 'turn-8' }, 'completed', null))).toBe('turn-8');
    expect(turnIdOf(commandApprovalRequest(3, 'c', 'rm -rf build', { threadId: FAKE_THREAD_ID, turnId: FAKE_TURN_ID }))).toBe(FAKE_TURN_ID);
    expect(turnIdOf({ method: 'serverRequest/resolved', params: { threadId: FAKE_THREAD_ID, requestId: 3 } } as never)).toBeUndefined();
  });
});
