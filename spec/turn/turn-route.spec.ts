import { Observable, Subscriber } from 'rxjs';
import type { Connection, RoutedMessage } from '../../lib/rpc/connection.js';
import type { TurnEvent } from '../../lib/turn/turn-event.js';
import { TurnRoute, type TurnFollower } from '../../lib/turn/turn-route.js';

/** The three things a route asks of its connection, recorded. */
function fakeConnection() {
  const calls: string[] = [];
  const deltas: string[] = [];
  const connection = {
    request: (method: string, params: { turnId: string }) =>
      new Observable<never>(() => {
        calls.push(`${method} ${params.turnId}`);
      }),
    afterTurnClaims: () => false,
    routeDeltas: (turnId: string, _route: unknown, to: unknown) => deltas.push(`${turnId} ${to === undefined ? 'via route' : 'direct'}`),
    releaseTurn: (turnId: string) => calls.push(`release ${turnId}`),
  };
  return { connection: connection as unknown as Connection, calls, deltas };
}

/** A follower whose subscriber records what it gets, and whose hooks record the lifecycle. */
function follower(route: TurnRoute, name: string, log: string[]): TurnFollower {
  const subscriber = new Subscriber<TurnEvent>({
    next: (m) => log.push(`${name} ${m.method}${(m.params as { delta?: string } | undefined)?.delta ?? ''}`),
    complete: () => log.push(`${name} complete`),
    error: (e: unknown) => log.push(`${name} error ${(e as Error).message}`),
  });
  return { subscriber, route, ended: false, hooks: { running: (id) => log.push(`${name} running ${id}`), ended: () => log.push(`${name} ended`) } };
}

const n = (method: string, params: object = {}): RoutedMessage => ({ method, params: { threadId: 'th', turnId: 't1', ...params } });
const delta = (text: string) => n('item/agentMessage/delta', { delta: text });

function boundRoute() {
  const { connection, calls, deltas } = fakeConnection();
  const route = new TurnRoute(connection, 'th');
  const log: string[] = [];
  const a = follower(route, 'a', log);
  route.add(a);
  route.bound('t1');
  route.routed();
  return { route, log, a, calls, connection, deltas };
}

describe('TurnRoute (one turn, its followers)', () => {
  it('hands every message to its one follower and ends it on turn/completed; nothing after', () => {
    const { route, log } = boundRoute();
    route.next(n('turn/started'));
    route.next(delta('Hel'));
    route.next(n('item/reasoning/summaryTextDelta', { delta: 'x' }));
    route.next(n('turn/completed'));
    route.next(delta('late'));
    expect(log).toEqual(['a running t1', 'a turn/started', 'a item/agentMessage/deltaHel', 'a item/reasoning/summaryTextDeltax', 'a turn/completed', 'a complete', 'a ended']);
  });

  it('a merged follower gets the turn so far without its deltas, then every message like the first', () => {
    const { route, log, connection } = boundRoute();
    route.next(n('turn/started'));
    route.next(n('item/started'));
    route.next(delta('Hel'));
    // A server request whose method ends like a delta is a request, not a delta: it is replayed.
    route.next({ id: 7, method: 'item/fakeDelta', params: { threadId: 'th', turnId: 't1' } } as RoutedMessage);
    const other = new TurnRoute(connection, 'th');
    other.add(follower(other, 'b', log));
    log.length = 0;
    route.merge(other);
    expect(log).toEqual(['b running t1', 'b turn/started', 'b item/started', 'b item/fakeDelta']);
    log.length = 0;
    route.next(delta('lo'));
    expect(log).toEqual(['a item/agentMessage/deltalo', 'b item/agentMessage/deltalo']);
  });

  it('after one of two followers leaves, the other alone gets each message, once', () => {
    const { route, log, connection, a } = boundRoute();
    route.next(n('turn/started'));
    const other = new TurnRoute(connection, 'th');
    const b = follower(other, 'b', log);
    other.add(b);
    route.merge(other);
    route.leave(a);
    log.length = 0;
    route.next(delta('x'));
    route.leave(b);
    route.next(delta('y'));
    expect(log).toEqual(['b item/agentMessage/deltax', 'b ended']);
  });

  it('lets deltas skip it while exactly one subscriber follows, and takes them back otherwise', () => {
    const { route, connection, a, deltas } = boundRoute();
    const other = new TurnRoute(connection, 'th');
    const b = follower(other, 'b', []);
    other.add(b);
    route.merge(other);
    route.leave(a);
    route.next(n('turn/completed'));
    expect(deltas).toEqual(['t1 direct', 't1 via route', 't1 direct', 't1 via route']);
  });

  it('the last follower leaving a running turn interrupts it once and lets the route go', () => {
    const { route, log, calls, a } = boundRoute();
    route.next(n('turn/started'));
    route.leave(a);
    route.leave(a);
    route.next(delta('after'));
    expect(calls).toEqual(['turn/interrupt t1', 'release t1']);
    expect(log).toEqual(['a running t1', 'a turn/started', 'a ended']);
  });

  it('leaving before turn/started interrupts when the turn starts (the server refuses earlier), not before', () => {
    const { route, log, calls, a } = boundRoute();
    route.leave(a);
    expect(calls).toEqual([]);
    route.next(n('turn/started'));
    expect(calls).toEqual(['turn/interrupt t1', 'release t1']);
    expect(log).toEqual(['a running t1', 'a ended']);
  });

  it('an error reaches every follower once and unroutes the turn; a later merge gets the same error', () => {
    const { route, log, calls, connection } = boundRoute();
    route.next(n('turn/started'));
    route.error(new Error('gone'));
    route.error(new Error('again'));
    const other = new TurnRoute(connection, 'th');
    other.add(follower(other, 'b', log));
    route.merge(other);
    expect(log).toEqual(['a running t1', 'a turn/started', 'a error gone', 'a ended', 'b error gone', 'b ended']);
    expect(calls).toEqual(['release t1']);
  });
});
