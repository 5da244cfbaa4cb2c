/** OrderedChecks: answers that may come later are delivered in the order they were added. */
import { isPromiseLike, OrderedChecks, type Settled } from '../../lib/rpc/ordered-checks.js';
import { deferred } from '../support/settle.js';

describe('OrderedChecks', () => {
  it('a synchronous answer is delivered at once when nothing waits before it', () => {
    const checks = new OrderedChecks();
    const seen: Settled<number>[] = [];
    checks.add(1, (s) => seen.push(s));
    expect(seen).toEqual([{ ok: true, value: 1 }]);
    expect(checks.idle).toBe(true);
  });

  it('a later answer holds back the ones added after it, then all go in order', async () => {
    const checks = new OrderedChecks();
    const first = deferred<string>();
    const seen: unknown[] = [];
    checks.add(first.promise, (s) => seen.push(['first', s]));
    checks.add('second', (s) => seen.push(['second', s]));
    expect(seen).toEqual([]);
    expect(checks.idle).toBe(false);
    first.resolve('one');
    await first.promise;
    expect(seen).toEqual([['first', { ok: true, value: 'one' }], ['second', { ok: true, value: 'second' }]]);
    expect(checks.idle).toBe(true);
  });

  it('a rejected answer is delivered as { ok: false, error }', async () => {
    const checks = new OrderedChecks();
    const failing = deferred<number>();
    const seen: Settled<number>[] = [];
    checks.add(failing.promise, (s) => seen.push(s));
    const error = new Error('validators did not load');
    failing.reject(error);
    await failing.promise.catch(() => undefined);
    expect(seen).toEqual([{ ok: false, error }]);
  });

  it('cancelling a waiting entry drops it and releases the ones behind it', () => {
    const checks = new OrderedChecks();
    const never = deferred<number>();
    const seen: string[] = [];
    const cancel = checks.add(never.promise, () => seen.push('cancelled one'));
    checks.add(2, () => seen.push('behind'));
    expect(seen).toEqual([]);
    cancel();
    expect(seen).toEqual(['behind']);
    cancel(); // twice is harmless
    expect(checks.idle).toBe(true);
  });
});

describe('isPromiseLike', () => {
  it('is true only for values with a then function', () => {
    expect(isPromiseLike(Promise.resolve())).toBe(true);
    expect(isPromiseLike({ then: () => undefined })).toBe(true);
    for (const v of [undefined, null, 0, 'x', {}, { then: 1 }, []]) expect(isPromiseLike(v)).toBe(false);
  });
});
