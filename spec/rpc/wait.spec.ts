import { TestScheduler } from 'rxjs/testing';
import { wait } from '../../lib/rpc/wait.js';

// wait(ms, scheduler?): the client's delays without rxjs's async scheduler in a page's first load.

describe('wait', () => {
  afterEach(() => jest.useRealTimers());

  it("by default emits once on the host's setTimeout after ms, then completes", () => {
    jest.useFakeTimers();
    const events: string[] = [];
    wait(50).subscribe({ next: () => events.push('next'), complete: () => events.push('complete') });
    jest.advanceTimersByTime(49);
    expect(events).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(events).toEqual(['next', 'complete']);
  });

  it('unsubscribing clears the timer', () => {
    jest.useFakeTimers();
    const next = jest.fn();
    wait(50).subscribe(next).unsubscribe();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(100);
    expect(next).not.toHaveBeenCalled();
  });

  it('on a given scheduler (a TestScheduler: virtual time), and cold: each subscription waits anew', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ expectObservable }) => {
      const w = wait(30, scheduler);
      expectObservable(w).toBe('30ms (a|)', { a: undefined });
      expectObservable(w, '10ms ^').toBe('40ms (a|)', { a: undefined });
    });
  });
});
