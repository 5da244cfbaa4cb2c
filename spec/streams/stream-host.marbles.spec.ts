// What every stream builds on (lib/streams/stream-host.ts), over a hand-made StreamHost: a hot
// notification source and requests answered by the spec. The streams themselves are in the other
// spec/streams/*.marbles.spec.ts files.
import { identity, Observable, of, Subject, throwError } from 'rxjs';
import { JsonRpcError, TransportClosedError, ValidationError } from '../../lib/errors.js';
import type { WireNotification } from '../../lib/rpc/message.js';
import { clientId, givenOrClientId, notificationsOf, sendTeardown, type StreamHost } from '../../lib/streams/stream-host.js';
import { anError, testScheduler } from '../support/expectations.js';
import { thrown } from '../support/thrown.js';

/** A host whose requests answer with `answer(method)`; what it was asked and warned is recorded. */
function fakeHost(answer: (method: string) => Observable<unknown> = () => of({})) {
  const notifications = new Subject<WireNotification>();
  const requests: Array<[string, unknown]> = [];
  const warnings: Array<{ kind: string; message: string; detail?: unknown }> = [];
  const host: StreamHost = {
    request: ((method: string, params: unknown) => {
      requests.push([method, params]);
      return answer(method);
    }) as StreamHost['request'],
    notifications$: notifications,
    keepAlive: () => identity,
    warn: (kind, message, detail) => warnings.push({ kind, message, detail }),
  };
  return { host, notifications, requests, warnings };
}

const exited = (processHandle: string | number, exitCode = 0) => ({ method: 'process/exited', params: { processHandle, exitCode } });

describe('notificationsOf (marbles)', () => {
  it('with a key: the params of that method carrying that id only (a number is not its string); without: every one', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const { host, notifications } = fakeHost();
      const m = { a: exited('h-1'), b: exited('h-2'), n: exited(7), s: exited('7'), o: { method: 'process/outputDelta', params: { processHandle: 'h-1' } } };
      hot('-a-b-n-s-o-a', m).subscribe(notifications);
      expectObservable(notificationsOf(host, 'process/exited', 'h-1')).toBe('-a---------a', { a: m.a.params });
      expectObservable(notificationsOf(host, 'process/exited', 7)).toBe('-----n', { n: m.n.params });
      expectObservable(notificationsOf(host, 'process/exited')).toBe('-a-b-n-s---a', { a: m.a.params, b: m.b.params, n: m.n.params, s: m.s.params });
    });
  });

  it('listens to the host only while subscribed', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const { host } = fakeHost();
      const source = hot<WireNotification>('-a-a-a', { a: exited('h-1') });
      const watched = { ...host, notifications$: source };
      expectObservable(notificationsOf(watched, 'process/exited', 'h-1'), '^--!').toBe('-a-', { a: exited('h-1').params });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('errors with the host stream\'s error, and with TransportClosedError when it completes', () => {
    const broken = new JsonRpcError(-32603, 'stream broke');
    testScheduler().run(({ hot, expectObservable }) => {
      const { host } = fakeHost();
      expectObservable(notificationsOf({ ...host, notifications$: hot('--#', undefined, broken) }, 'fs/changed', 'w-1')).toBe('--#', undefined, broken);
    });
    testScheduler().run(({ hot, expectObservable }) => {
      const { host } = fakeHost();
      expectObservable(notificationsOf({ ...host, notifications$: hot('--|') }, 'fs/changed')).toBe('--#', undefined, anError(TransportClosedError));
    });
  });
});

describe('sendTeardown', () => {
  it('sends the clean-up request at once, in the background', () => {
    const { host, requests, warnings } = fakeHost();
    sendTeardown(host, 'process/kill', { processHandle: 'h-1' });
    expect(requests).toEqual([['process/kill', { processHandle: 'h-1' }]]);
    expect(warnings).toEqual([]);
  });

  it('reports a failure on warnings (teardown-failed), never to the caller', () => {
    const error = new JsonRpcError(-32600, 'no active process');
    const { host, warnings } = fakeHost(() => throwError(() => error));
    expect(() => sendTeardown(host, 'fs/unwatch', { watchId: 'w-1' })).not.toThrow();
    expect(warnings).toEqual([
      { kind: 'teardown-failed', message: 'fs/unwatch failed while cleaning up a stream: no active process (-32600)', detail: { method: 'fs/unwatch', params: { watchId: 'w-1' }, error } },
    ]);
  });

  it('a closed connection needs no clean-up: not reported', () => {
    const { host, requests, warnings } = fakeHost(() => throwError(() => new TransportClosedError('closed')));
    sendTeardown(host, 'process/kill', { processHandle: 'h-1' });
    expect(requests).toHaveLength(1);
    expect(warnings).toEqual([]);
  });
});

describe('clientId and givenOrClientId', () => {
  it('clientId: readable (codex-rx-<kind>-<counter>-<suffix>) and fresh each time', () => {
    const ids = Array.from({ length: 50 }, () => clientId('watch'));
    for (const id of ids) expect(id).toMatch(/^codex-rx-watch-\d+-[0-9a-z]{1,6}$/);
    expect(new Set(ids).size).toBe(ids.length);
    const counters = ids.map((id) => Number(id.split('-')[3]));
    expect(counters.slice(1).every((n, i) => n === counters[i]! + 1)).toBe(true);
  });

  it('givenOrClientId: the id the user gave, or a fresh one without', () => {
    expect(givenOrClientId('mine', 'process', 'spawn options', 'processHandle')).toBe('mine');
    expect(givenOrClientId(undefined, 'process', 'spawn options', 'processHandle')).toMatch(/^codex-rx-process-\d+-/);
  });

  it('givenOrClientId: anything but a non-empty string is a ValidationError at the option\'s path', () => {
    for (const given of ['', 42, null, {}]) {
      const e = thrown(() => givenOrClientId(given, 'watch', 'watch options', 'watchId'));
      expect(ValidationError.is(e)).toBe(true);
      expect(e).toEqual(anError(ValidationError, { subject: 'watch options', issues: [{ path: 'watchId', message: 'must be a non-empty string' }] }));
    }
  });
});
