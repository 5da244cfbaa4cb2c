import { backoffDelay } from '../../lib/rpc/backoff.js';

const policy = (random: number) => ({ initialDelayMs: 100, maxDelayMs: 1000, jitterRatio: 0.5, random: () => random });

describe('backoffDelay (reconnects and retryOnOverload)', () => {
  it('doubles from the initial delay up to the maximum (no jitter at the midpoint)', () => {
    expect([1, 2, 3, 4, 5, 6, 30].map((a) => backoffDelay(a, policy(0.5)))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('jitters by ± jitterRatio of the delay, never below zero', () => {
    expect(backoffDelay(3, policy(0))).toBe(200);
    expect(backoffDelay(3, policy(0.999999))).toBe(600);
    expect(backoffDelay(1, { ...policy(0), jitterRatio: 2 })).toBe(0);
  });
});
