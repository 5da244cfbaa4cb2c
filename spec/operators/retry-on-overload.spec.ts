import { defer, lastValueFrom, of, throwError } from 'rxjs';
import { backoffDelay, retryOnOverload } from '../../lib/operators/retry-on-overload.js';
import { ServerBusyError } from '../../lib/errors.js';

const base = { initialDelayMs: 250, maxDelayMs: 2000, jitterRatio: 0, random: () => 0.5 };

describe('backoffDelay()', () => {
  it('doubles from the initial delay', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, base))).toEqual([250, 500, 1000, 2000]);
  });

  it('is capped at maxDelayMs', () => {
    expect([4, 5, 30].map((n) => backoffDelay(n, base))).toEqual([2000, 2000, 2000]);
    expect(backoffDelay(2, { ...base, maxDelayMs: 300 })).toBe(300);
  });

  it('spreads by ± jitterRatio from the random source', () => {
    const o = { ...base, jitterRatio: 0.2 };
    expect(backoffDelay(1, { ...o, random: () => 0 })).toBe(200);
    expect(backoffDelay(1, { ...o, random: () => 0.5 })).toBe(250);
    expect(backoffDelay(1, { ...o, random: () => 0.999999 })).toBe(300);
    expect(backoffDelay(2, { ...o, random: () => 0.75 })).toBe(550);
  });

  it('applies jitter after the cap and rounds to whole ms, never below zero', () => {
    expect(backoffDelay(10, { ...base, jitterRatio: 0.1, random: () => 0 })).toBe(1800);
    expect(backoffDelay(1, { ...base, initialDelayMs: 3, jitterRatio: 0.5, random: () => 0.1 })).toBe(2);
    expect(backoffDelay(1, { ...base, jitterRatio: 2, random: () => 0 })).toBe(0);
  });
});

describe('retryOnOverload()', () => {
  const busy = () => new ServerBusyError(-32001, 'Server overloaded; retry later');

  it('with maxAttempts 1 does not retry', async () => {
    let attempts = 0;
    const source = defer(() => {
      attempts++;
      return throwError(busy);
    });
    await expect(lastValueFrom(source.pipe(retryOnOverload({ maxAttempts: 1 })))).rejects.toThrow(ServerBusyError);
    expect(attempts).toBe(1);
  });

  it('retries in real time and succeeds', async () => {
    let attempts = 0;
    const source = defer(() => (++attempts < 3 ? throwError(busy) : of('ok')));
    await expect(lastValueFrom(source.pipe(retryOnOverload({ initialDelayMs: 1, jitterRatio: 0 })))).resolves.toBe('ok');
    expect(attempts).toBe(3);
  });
});
