import { Observable, Subject, takeWhile } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { TransportClosedError } from '../../lib/errors.js';
import { Connection, type RoutedMessage } from '../../lib/rpc/connection.js';
import type { RouteSink } from '../../lib/rpc/demultiplexer.js';
import { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';
import { clientInfo } from '../rpc/support.js';


// The messages of the marbles below: turn u1 runs on thread t1, turn u2 on thread t2.
const started = (threadId: string, turnId: string) => ({ method: 'turn/started', params: { threadId, turn: { id: turnId, status: 'inProgress' } } });
const delta = (threadId: string, turnId: string, text: string) => ({
  method: 'item/agentMessage/delta',
  params: { threadId, turnId, itemId: `${turnId}-msg`, delta: text },
});
const completed = (threadId: string, turnId: string) => ({ method: 'turn/completed', params: { threadId, turn: { id: turnId, status: 'completed' } } });

const M = {
  a: started('t1', 'u1'),
  b: started('t2', 'u2'),
  c: delta('t1', 'u1', 'hel'),
  d: delta('t2', 'u2', 'bon'),
  e: delta('t1', 'u1', 'lo'),
  f: completed('t2', 'u2'),
  g: completed('t1', 'u1'),
  o: delta('t1', 'u0', 'late message of the previous turn of t1'),
  w: { method: 'thread/status/changed', params: { threadId: 't1', status: { type: 'active' } } },
};

/**
 * A turn's stream, as the turn layer builds it (cf. WebSocketSubject.multiplex): subscribing
 * claims the thread's next turn, `turnId$` binds it (the turn/start answer), it completes right
 * after turn/completed, and teardown releases the claim and the route.
 */
function turnRoute(connection: Connection, threadId: string, turnId$: Observable<string>): Observable<RoutedMessage> {
  return new Observable<RoutedMessage>((subscriber) => {
    const sink: RouteSink<RoutedMessage> = { next: (m) => subscriber.next(m), error: (e) => subscriber.error(e) };
    const claim = connection.claimTurn(threadId, sink);
    let bound: string | undefined;
    const ids = turnId$.subscribe((id) => {
      bound = id;
      claim.bind(id);
    });
    return () => {
      ids.unsubscribe();
      claim.release();
      if (bound !== undefined) connection.releaseTurn(bound, sink);
    };
  }).pipe(takeWhile((m) => m.method !== 'turn/completed', true));
}

const ZERO_STATS = { pendingRequests: 0, pendingServerRequests: 0, routes: 0, claimedThreads: 0, bufferedMessages: 0, trackedRequests: 0 };

describe('demultiplexing (marbles)', () => {
  let scheduler: TestScheduler;
  let transport: InMemoryTransport;
  let connection: Connection;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    transport = new InMemoryTransport();
    connection = new Connection(transport, { clientInfo });
    connection.connect().subscribe(); // the in-memory server answers initialize synchronously
  });

  it('routes two interleaved turns on two threads to their own streams', () => {
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const server = hot('-a-b-c-d-e-f-g-|', M);
      const u1Id = cold(' x', { x: 'u1' });
      const u2Id = cold(' x', { x: 'u2' });
      const turn1 = '     -a---c---e---(g|)';
      const turn2 = '     ---b---d---(f|)';
      const u1Subs = '    ^------------!';
      const u2Subs = '    ^----------!';

      server.subscribe((m) => transport.emit(m));
      expectObservable(turnRoute(connection, 't1', u1Id)).toBe(turn1, M);
      expectObservable(turnRoute(connection, 't2', u2Id)).toBe(turn2, M);
      expectSubscriptions(u1Id.subscriptions).toBe(u1Subs);
      expectSubscriptions(u2Id.subscriptions).toBe(u2Subs);
    });
    expect(connection.stats).toEqual(ZERO_STATS);
  });

  it('every notification still reaches notifications$, routed or not', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const server = hot('-a-b-c-w-|', M);
      const all = '       -a-b-c-w--';
      server.subscribe((m) => transport.emit(m));
      turnRoute(connection, 't1', cold('x', { x: 'u1' })).subscribe();
      expectObservable(connection.notifications$).toBe(all, M);
    });
  });

  it('holds notifications that arrive before the turn is bound, then delivers them in order', () => {
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const server = hot('-aoc-----e---g-|', M);
      const u1Id = cold(' ----x', { x: 'u1' }); // turn/start answered at frame 4
      const turn1 = '     ----(ac)-e---(g|)';
      const u1Subs = '    ^------------!';

      server.subscribe((m) => transport.emit(m));
      expectObservable(turnRoute(connection, 't1', u1Id)).toBe(turn1, M);
      expectSubscriptions(u1Id.subscriptions).toBe(u1Subs);
    });
    expect(connection.stats).toEqual(ZERO_STATS);
  });

  it('holds early messages of two threads apart, binding each at its own time', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const server = hot('-abcd-------e-f-g-|', M);
      const u1Id = cold(' -------x', { x: 'u1' });
      const u2Id = cold(' ---------x', { x: 'u2' });
      const turn1 = '     -------(ac)-e---(g|)';
      const turn2 = '     ---------(bd)-(f|)';

      server.subscribe((m) => transport.emit(m));
      expectObservable(turnRoute(connection, 't1', u1Id)).toBe(turn1, M);
      expectObservable(turnRoute(connection, 't2', u2Id)).toBe(turn2, M);
    });
    expect(connection.stats).toEqual(ZERO_STATS);
  });

  it('unsubscribing a bound turn stops its delivery and leaves the other turn alone', () => {
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const server = hot('-a-b-c-d-e-f-g-|', M);
      const u1Id = cold(' x', { x: 'u1' });
      const u2Id = cold(' x', { x: 'u2' });
      const unsub1 = '    ^------!';
      const turn1 = '     -a---c--';
      const turn2 = '     ---b---d---(f|)';
      const u1Subs = '    ^------!';

      server.subscribe((m) => transport.emit(m));
      expectObservable(turnRoute(connection, 't1', u1Id), unsub1).toBe(turn1, M);
      expectObservable(turnRoute(connection, 't2', u2Id)).toBe(turn2, M);
      expectSubscriptions(u1Id.subscriptions).toBe(u1Subs);
    });
    expect(connection.stats).toEqual(ZERO_STATS);
  });

  it('releaseTurn (remove) stops delivery to a sink at once', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const server = hot(' -a-c-e-g-|', M);
      const remove = cold('----x');
      const got = '        -a-c-----';
      const out = new Subject<RoutedMessage>();
      const sink: RouteSink<RoutedMessage> = { next: (m) => out.next(m), error: (e) => out.error(e) };

      connection.claimTurn('t1', sink).bind('u1');
      remove.subscribe(() => connection.releaseTurn('u1', sink));
      server.subscribe((m) => transport.emit(m));
      expectObservable(out).toBe(got, M);
    });
    expect(connection.stats).toEqual(ZERO_STATS);
  });

  it('unsubscribing before the turn is bound releases the claim and drops what it held', () => {
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const server = hot('-a-c-----e-g-|', M);
      const u1Id = cold(' --------x', { x: 'u1' }); // would bind at frame 8: too late
      const unsub = '     ^----!';
      const turn1 = '     ------';
      const u1Subs = '    ^----!';

      server.subscribe((m) => transport.emit(m));
      expectObservable(turnRoute(connection, 't1', u1Id), unsub).toBe(turn1, M);
      expectSubscriptions(u1Id.subscriptions).toBe(u1Subs);
      // Mid-way, while claimed, two messages are held; after the teardown, none.
      cold('----x').subscribe(() => expect(connection.stats).toMatchObject({ claimedThreads: 1, bufferedMessages: 2 }));
      cold('------x').subscribe(() => expect(connection.stats).toMatchObject({ claimedThreads: 0, bufferedMessages: 0 }));
    });
    expect(connection.stats).toEqual(ZERO_STATS);
  });

  it('a transport failure errors every live turn, bound or still claimed, at the same frame with the same error', () => {
    const error = new TransportClosedError('in-memory app-server died', { exitCode: 1 });
    scheduler.run(({ hot, cold, expectObservable }) => {
      const server = hot('-a-b-c-#', M, error);
      const u1Id = cold(' x', { x: 'u1' });
      const u2Id = cold(' ----------x', { x: 'u2' }); // never bound before the failure
      const turn1 = '     -a---c-#';
      const turn2 = '     -------#';
      const notes = '     -a-b-c-#';

      server.subscribe({ next: (m) => transport.emit(m), error: (e) => transport.fail(e) });
      expectObservable(turnRoute(connection, 't1', u1Id)).toBe(turn1, M, error);
      expectObservable(turnRoute(connection, 't2', u2Id)).toBe(turn2, M, error);
      expectObservable(connection.notifications$).toBe(notes, M, error);
    });
    expect(connection.stats).toEqual(ZERO_STATS);
    expect(connection.state).toBe('closed');
  });
});
