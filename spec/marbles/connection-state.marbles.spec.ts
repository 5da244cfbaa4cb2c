/**
 * `state$` over time (marbles), on a connection whose every attempt gets a new in-memory
 * app-server that answers `initialize` at once. Script: `c` connects, `K` drops the current
 * app-server, `A` drops it with a refusal (close 4401), `X` is the client's close().
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import { AuthenticationError, TransportClosedError } from '../../lib/errors.js';
import { Connection } from '../../lib/rpc/connection.js';
import { codexState, type CodexState } from '../../lib/rpc/link-state.js';
import { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';
import { testScheduler } from '../support/expectations';
import { clientInfo } from '../rpc/support.js';

const S: Record<string, CodexState> = { i: 'idle', c: 'connecting', o: 'open', r: 'reconnecting', x: 'closed' };

function bench(scheduler: SchedulerLike) {
  const transports: InMemoryTransport[] = [];
  const make = () => {
    const t = new InMemoryTransport();
    transports.push(t);
    return t;
  };
  const connection = new Connection(make(), { clientInfo, reconnect: { newTransport: make, random: () => 0.5 }, scheduler });
  const steps: Record<string, () => void> = {
    c: () => connection.connect().subscribe({ error: () => undefined }),
    K: () => transports.at(-1)!.fail(new TransportClosedError('dropped', { closeCode: 1006 })),
    A: () => transports.at(-1)!.fail(new AuthenticationError('closed: no valid token (4401)', { closeCode: 4401 })),
    X: () => void connection.close(),
  };
  return { connection, transports, steps };
}

describe('connection state$ (marbles)', () => {
  it('with a live subscriber: a drop shows reconnecting, then open again without any call', () => {
    const scheduler = testScheduler();
    const { connection, transports, steps } = bench(scheduler);
    scheduler.run(({ hot, expectObservable }) => {
      let live: Subscription | undefined;
      hot('^-c---K---X', steps).subscribe((f) => f());
      hot('-l', { l: () => (live = connection.live(() => connection.notifications$).subscribe({ error: () => undefined })) }).subscribe((f) => f());
      expectObservable(connection.state$).toBe('i-(co)(ro)x', S);
      hot('-----------u').subscribe(() => live?.unsubscribe());
    });
    expect(transports).toHaveLength(2);
  });

  it('with nothing live: a drop shows idle, and nothing reopens', () => {
    const scheduler = testScheduler();
    const { connection, transports, steps } = bench(scheduler);
    scheduler.run(({ hot, expectObservable }) => {
      hot('^-c---K---X', steps).subscribe((f) => f());
      expectObservable(connection.state$).toBe('i-(co)i---x', S);
    });
    expect(transports).toHaveLength(1);
  });

  it('a refusal is closed at once, and not retried', () => {
    const scheduler = testScheduler();
    const { connection, transports, steps } = bench(scheduler);
    scheduler.run(({ hot, expectObservable }) => {
      hot('^-c---A', steps).subscribe((f) => f());
      hot('-l', { l: () => connection.live(() => connection.notifications$).subscribe({ error: () => undefined }) }).subscribe((f) => f());
      expectObservable(connection.state$).toBe('i-(co)x', S);
    });
    expect(transports).toHaveLength(1);
  });
});

describe('codexState()', () => {
  const base = { generation: 1, closedByClient: false, retryable: false, live: 0 } as const;
  it.each([
    [{ ...base, state: 'idle' }, 'idle'],
    [{ ...base, state: 'connecting' }, 'connecting'],
    [{ ...base, state: 'ready' }, 'open'],
    [{ ...base, state: 'closed' }, 'closed'],
    [{ ...base, state: 'closed', retryable: true }, 'idle'],
    [{ ...base, state: 'closed', retryable: true, live: 1 }, 'reconnecting'],
    [{ ...base, state: 'idle', generation: 2, live: 1 }, 'reconnecting'],
    [{ ...base, state: 'idle', generation: 2 }, 'idle'],
    [{ ...base, state: 'connecting', generation: 2 }, 'reconnecting'],
    [{ ...base, state: 'ready', generation: 2 }, 'open'],
    [{ ...base, state: 'ready', closedByClient: true }, 'closed'],
  ] as const)('%j → %s', (facts, expected) => {
    expect(codexState(facts)).toBe(expected);
  });
});
