/**
 * TurnRecorder on a real connection over the in-memory app-server: what a connection knows of a
 * turn it did not start. The server's messages reach it through the connection's turn watch; the
 * log's bookkeeping (compaction, the bound) is driven through `next`, the sink the connection
 * calls. thread.attach() over it is spec/turn/attach-stream.marbles.spec.ts.
 */
import { lastValueFrom, toArray } from 'rxjs';
import type { ThreadItem } from '../../lib/protocol/generated/v2/ThreadItem.js';
import type { Turn } from '../../lib/protocol/generated/v2/Turn.js';
import type { RoutedMessage } from '../../lib/rpc/connection.js';
import { TurnRecorder } from '../../lib/turn/turn-recorder.js';
import { MAX_TURN_REPLAY } from '../../lib/turn/turn-event.js';
import { turnSoFar } from '../../lib/turn/turn-so-far.js';
import type { TurnEvent } from '../../lib/turn/turn-event.js';
import {
  agentMessageDelta,
  agentMessageItem,
  commandApprovalRequest,
  diffUpdated,
  FAKE_THREAD_ID,
  FAKE_TURN_ID,
  itemCompleted,
  itemStarted,
  planUpdated,
  serverRequestResolved,
  turnCompleted,
  turnInfo,
  turnStarted,
  userMessageItem,
} from '../../lib/testing/index.js';
import { anError, expectIdle } from '../support/expectations.js';
import { ObservableStream } from '../support/observable-stream.js';
import { eachStreamBench } from '../streams/support.js';

const USER = userMessageItem('user-1', 'Write a poem');
const ANSWER = agentMessageItem('msg-1', 'Hello', 'final_answer');

/** The server's record of turn-1. */
const record = (status: Turn['status'], items: ThreadItem[] = []) => turnInfo({ id: FAKE_TURN_ID, status, items, startedAt: 1_700_000_000 });

/** What a subscriber of `events$` gets at once (the recorder's snapshot), without staying. */
function snapshotOf(recorder: TurnRecorder): TurnEvent[] {
  const got: TurnEvent[] = [];
  recorder.events$.subscribe((e) => got.push(e)).unsubscribe();
  return got;
}

/** The next `n` values of `stream`. */
async function take<T>(stream: ObservableStream<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await stream.takeNext());
  return out;
}

describe('TurnRecorder', () => {
  const b = eachStreamBench();
  let ended: TurnRecorder[];
  const recorder = () => new TurnRecorder(b.connection, FAKE_THREAD_ID, FAKE_TURN_ID, (r) => ended.push(r));
  beforeEach(() => (ended = []));

  it('hears the turn through the connection: the record, what was heard, then live; completes after turn/completed', async () => {
    const unwatched = jest.fn();
    const watchTurn = b.connection.watchTurn.bind(b.connection);
    jest.spyOn(b.connection, 'watchTurn').mockImplementation((turnId, sink) => {
      const unwatch = watchTurn(turnId, sink);
      return () => (unwatched(turnId), unwatch());
    });
    const r = recorder();
    b.server.emit(turnStarted());
    b.server.emit(itemStarted(agentMessageItem('msg-1', '')));
    r.seed(record('inProgress', [USER]));
    expect(r.seeded).toBe(true);
    const events = new ObservableStream(r.events$);
    expect(await take(events, 4)).toEqual([...turnSoFar(FAKE_THREAD_ID, record('inProgress', [USER])), turnStarted(), itemStarted(agentMessageItem('msg-1', ''))]);
    b.server.emit(agentMessageDelta('msg-1', 'Hello'));
    b.server.emit(agentMessageDelta('msg-1', 'x', { threadId: FAKE_THREAD_ID, turnId: 'turn-other' })); // another turn: not heard
    b.server.emit(turnCompleted());
    expect(await take(events, 2)).toEqual([agentMessageDelta('msg-1', 'Hello'), turnCompleted()]);
    await events.takeComplete();
    expect(r.turnCompleted).toBe(true);
    expect(ended).toEqual([r]);
    // It stopped watching, once; the connection tracks nothing.
    expect(unwatched.mock.calls).toEqual([[FAKE_TURN_ID]]);
    expectIdle(b.codex);
  });

  it('a subscriber after the end gets the whole turn and completes at once', async () => {
    const r = recorder();
    r.seed(record('inProgress'));
    r.next(itemCompleted(ANSWER) as RoutedMessage);
    r.next(turnCompleted() as RoutedMessage);
    expect(await lastValueFrom(r.events$.pipe(toArray()))).toEqual([...turnSoFar(FAKE_THREAD_ID, record('inProgress')), itemCompleted(ANSWER), turnCompleted()]);
  });

  it('a record of a finished turn ends it; the record\'s turn/completed comes after what was heard', async () => {
    const r = recorder();
    r.next(itemStarted(agentMessageItem('msg-1', '')) as RoutedMessage);
    const done = record('completed', [USER, ANSWER]);
    r.seed(done);
    expect(r.turnCompleted).toBe(true);
    expect(ended).toEqual([r]);
    const [started, user, answer, completed] = turnSoFar(FAKE_THREAD_ID, done);
    expect(await lastValueFrom(r.events$.pipe(toArray()))).toEqual([started, user, answer, itemStarted(agentMessageItem('msg-1', '')), completed]);
    r.seed(record('inProgress', [USER])); // a second seed changes nothing
    expect(snapshotOf(r)).toEqual([started, user, answer, itemStarted(agentMessageItem('msg-1', '')), completed]);
  });

  it('server requests of the turn still pending when it starts are in its log; a resolved one leaves it', () => {
    const waiting: unknown[] = [];
    b.codex.pendingRequests$.subscribe((p) => waiting.push(p)); // someone holds the request open
    const request = commandApprovalRequest(41, 'cmd-1', 'ls');
    b.server.emit(request);
    expect(waiting).toHaveLength(1);
    const r = recorder();
    expect(snapshotOf(r)).toEqual([expect.objectContaining({ id: 41, method: request.method })]);
    b.server.emit(serverRequestResolved(41));
    expect(snapshotOf(r)).toEqual([]);
  });

  it('keeps the log small: deltas of one stream merge, a completed item replaces its start and deltas, plan and diff keep their latest', () => {
    const r = recorder();
    const feed = (...messages: object[]) => messages.forEach((m) => r.next(m as RoutedMessage));
    feed(
      itemStarted(agentMessageItem('msg-1', '')),
      agentMessageDelta('msg-1', 'Hel'),
      planUpdated([{ step: 'read', status: 'inProgress' }]),
      agentMessageDelta('msg-1', 'lo'),
      itemStarted(agentMessageItem('msg-2', '')),
      agentMessageDelta('msg-2', 'Wor'),
      diffUpdated('--- a'),
      planUpdated([{ step: 'read', status: 'completed' }]),
      agentMessageDelta('msg-2', 'ld'),
      diffUpdated('--- b'),
    );
    expect(snapshotOf(r)).toEqual([
      itemStarted(agentMessageItem('msg-1', '')),
      agentMessageDelta('msg-1', 'Hello'),
      itemStarted(agentMessageItem('msg-2', '')),
      agentMessageDelta('msg-2', 'World'),
      planUpdated([{ step: 'read', status: 'completed' }]),
      diffUpdated('--- b'),
    ]);
    feed(itemCompleted(agentMessageItem('msg-1', 'Hello', 'final_answer')), agentMessageDelta('msg-2', '!'));
    expect(snapshotOf(r)).toEqual([
      itemStarted(agentMessageItem('msg-2', '')),
      agentMessageDelta('msg-2', 'World!'),
      planUpdated([{ step: 'read', status: 'completed' }]),
      diffUpdated('--- b'),
      itemCompleted(agentMessageItem('msg-1', 'Hello', 'final_answer')),
    ]);
  });

  it(`past ${MAX_TURN_REPLAY} entries it keeps only completions`, () => {
    const r = recorder();
    for (let i = 0; i < MAX_TURN_REPLAY; i++) r.next(itemStarted(agentMessageItem(`m-${i}`, '')) as RoutedMessage);
    r.next(itemStarted(agentMessageItem('one-too-many', '')) as RoutedMessage);
    r.next(agentMessageDelta('m-5', 'dropped') as RoutedMessage);
    let log = snapshotOf(r);
    expect(log).toHaveLength(MAX_TURN_REPLAY);
    expect(log.some((e) => (e.params as { item?: { id: string } }).item?.id === 'one-too-many')).toBe(false);
    expect(log.some((e) => e.method === 'item/agentMessage/delta')).toBe(false);
    r.next(itemCompleted(agentMessageItem('m-0', 'done')) as RoutedMessage); // replaces its start
    r.next(itemCompleted(agentMessageItem('late', 'also done')) as RoutedMessage); // kept beyond the bound
    r.next(turnCompleted() as RoutedMessage);
    log = snapshotOf(r);
    expect(log.slice(-3)).toEqual([itemCompleted(agentMessageItem('m-0', 'done')), itemCompleted(agentMessageItem('late', 'also done')), turnCompleted()]);
    expect(log).toHaveLength(MAX_TURN_REPLAY + 2);
  });

  it('abandon() ends a recorder nobody follows and that was never seeded; otherwise it does nothing', () => {
    const followed = recorder();
    const events = followed.events$.subscribe();
    followed.abandon();
    expect(ended).toEqual([]);
    events.unsubscribe();
    followed.abandon();
    expect(ended).toEqual([followed]);
    expect(followed.turnCompleted).toBe(false);

    const seeded = recorder();
    seeded.seed(record('inProgress'));
    seeded.abandon();
    expect(ended).toEqual([followed]);
    seeded.next(turnCompleted() as RoutedMessage);
    expect(ended).toEqual([followed, seeded]);
  });

  it('the connection ending errors its followers and later subscribers; the turn is not known to have completed', async () => {
    const r = recorder();
    r.seed(record('inProgress'));
    const events = new ObservableStream(r.events$);
    await events.takeNext();
    b.transport.fail();
    const error = await events.takeError();
    expect(error).toEqual(anError({ name: 'TransportClosedError' }));
    expect(r.turnCompleted).toBe(false);
    expect(ended).toEqual([r]);
    await expect(lastValueFrom(r.events$.pipe(toArray()))).rejects.toBe(error);
    r.next(turnCompleted() as RoutedMessage); // too late: ignored
    expect(r.turnCompleted).toBe(false);
  });

  it('cannot be made on a closed connection', async () => {
    await b.codex.close();
    expect(() => recorder()).toThrow(expect.objectContaining({ name: 'TransportClosedError' }));
  });
});
