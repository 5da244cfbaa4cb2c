import { NEVER, Observable, Subject, of, throwError } from 'rxjs';
import { DEFAULT_TAKE_TIMEOUT_MS, ObservableStream } from '../../lib/testing/observable-stream.js';

/** Settles pending promise callbacks (no timers involved). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Whether `promise` settled so far, and how. */
function track(promise: Promise<unknown>): { state: 'pending' | 'resolved' | 'rejected'; value?: unknown } {
  const t: { state: 'pending' | 'resolved' | 'rejected'; value?: unknown } = { state: 'pending' };
  promise.then(
    (value) => Object.assign(t, { state: 'resolved', value }),
    (value) => Object.assign(t, { state: 'rejected', value }),
  );
  return t;
}

describe('ObservableStream', () => {
  describe('taking events', () => {
    it('subscribes at once and queues what happened before a take', async () => {
      const stream = new ObservableStream(of(1, 2));
      expect(stream.peekAll()).toEqual([{ type: 'next', value: 1 }, { type: 'next', value: 2 }, { type: 'complete' }]);
      expect(await stream.takeNext()).toBe(1);
      expect(await stream.takeNext()).toBe(2);
      await stream.takeComplete();
      expect(stream.peekAll()).toEqual([]);
    });

    it('a take waiting for an event gets it when it comes; several waiting takes get events in order', async () => {
      const source = new Subject<string>();
      const stream = new ObservableStream(source);
      const first = stream.takeNext();
      const second = stream.takeNext();
      const third = stream.takeComplete();
      source.next('a');
      source.next('b');
      source.complete();
      expect(await first).toBe('a');
      expect(await second).toBe('b');
      await expect(third).resolves.toBeUndefined();
    });

    it('takeError resolves with the very error object', async () => {
      const boom = new Error('boom');
      const stream = new ObservableStream(throwError(() => boom));
      expect(await stream.takeError()).toBe(boom);
    });

    it('a take of the wrong kind rejects, describing what came, and consumes that event', async () => {
      const source = new Subject<unknown>();
      const stream = new ObservableStream(source);
      source.next({ a: 1 });
      await expect(stream.takeComplete()).rejects.toThrow('expected completion, got value {"a":1}');
      source.next('x');
      await expect(stream.takeError()).rejects.toThrow('expected an error, got value "x"');
      source.error(new TypeError('bad'));
      await expect(stream.takeNext()).rejects.toThrow('expected a value, got error TypeError: bad');
      expect(stream.peekAll()).toEqual([]);
    });

    it('describes errors that are not Error objects, and values JSON cannot write', async () => {
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      const values = new ObservableStream(of<unknown[]>(circular, undefined, 10n));
      await expect(values.takeComplete()).rejects.toThrow('got value [object Object]');
      await expect(values.takeComplete()).rejects.toThrow('got value undefined');
      await expect(values.takeComplete()).rejects.toThrow('got value 10');
      await expect(values.takeNext()).rejects.toThrow('expected a value, got completion');
      const failed = new ObservableStream(throwError(() => ({ code: -32001 })));
      await expect(failed.takeNext()).rejects.toThrow('got error {"code":-32001}');
    });
  });

  describe('closed and peekAll', () => {
    it('closed is false while the source lives, true after completion, an error or unsubscribe', () => {
      const source = new Subject<number>();
      const live = new ObservableStream(source);
      expect(live.closed).toBe(false);
      source.complete();
      expect(live.closed).toBe(true);
      expect(new ObservableStream(throwError(() => new Error('x'))).closed).toBe(true);
      const dropped = new ObservableStream(NEVER);
      dropped.unsubscribe();
      expect(dropped.closed).toBe(true);
    });

    it('peekAll is a copy: it takes nothing and cannot change the queue', async () => {
      const stream = new ObservableStream(of(1));
      const peeked = stream.peekAll() as unknown[];
      peeked.length = 0;
      expect(stream.peekAll()).toHaveLength(2);
      expect(await stream.takeNext()).toBe(1);
    });
  });

  describe('unsubscribe', () => {
    it('stops listening: the source is torn down and later events are not queued', () => {
      let tornDown = false;
      const source = new Subject<number>();
      const stream = new ObservableStream(new Observable<number>((s) => {
        const inner = source.subscribe(s);
        return () => {
          tornDown = true;
          inner.unsubscribe();
        };
      }));
      source.next(1);
      stream.unsubscribe();
      expect(tornDown).toBe(true);
      source.next(2);
      expect(stream.peekAll()).toEqual([{ type: 'next', value: 1 }]);
    });
  });

  describe('timeouts', () => {
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] }));
    afterEach(() => jest.useRealTimers());

    it(`waits ${DEFAULT_TAKE_TIMEOUT_MS} ms by default, then rejects saying so`, async () => {
      expect(DEFAULT_TAKE_TIMEOUT_MS).toBe(1000);
      const stream = new ObservableStream(NEVER);
      const take = track(stream.takeNext());
      jest.advanceTimersByTime(DEFAULT_TAKE_TIMEOUT_MS - 1);
      await flush();
      expect(take.state).toBe('pending');
      jest.advanceTimersByTime(1);
      await flush();
      expect(take).toEqual({ state: 'rejected', value: new Error(`no event within ${DEFAULT_TAKE_TIMEOUT_MS} ms`) });
    });

    it('a take that timed out is gone: the next event waits for the next take', async () => {
      const source = new Subject<string>();
      const stream = new ObservableStream(source);
      const late = stream.takeNext(50);
      jest.advanceTimersByTime(50);
      await expect(late).rejects.toThrow('no event within 50 ms');
      source.next('kept');
      expect(stream.peekAll()).toEqual([{ type: 'next', value: 'kept' }]);
      expect(await stream.takeNext(50)).toBe('kept');
    });

    it('an event that comes in time cancels the timer of its take', async () => {
      const source = new Subject<number>();
      const stream = new ObservableStream(source);
      const take = stream.takeNext(50);
      expect(jest.getTimerCount()).toBe(1);
      source.next(7);
      expect(jest.getTimerCount()).toBe(0);
      expect(await take).toBe(7);
    });

    it('expectNoEvent resolves after a quiet period, and rejects with the event that broke it', async () => {
      const source = new Subject<number>();
      const stream = new ObservableStream(source);
      const quiet = stream.expectNoEvent(30);
      jest.advanceTimersByTime(30);
      await expect(quiet).resolves.toBeUndefined();
      const broken = stream.expectNoEvent(30);
      source.next(3);
      await expect(broken).rejects.toThrow('expected no event, got value 3');
      source.complete();
      await expect(stream.expectNoEvent()).rejects.toThrow('expected no event, got completion');
    });

    it('unsubscribe cancels the timers of pending takes (they are dropped, not rejected)', async () => {
      const stream = new ObservableStream(NEVER);
      const take = track(stream.takeNext(50));
      expect(jest.getTimerCount()).toBe(1);
      stream.unsubscribe();
      expect(jest.getTimerCount()).toBe(0);
      jest.advanceTimersByTime(100);
      await flush();
      expect(take.state).toBe('pending');
    });
  });
});
