import type { Subscription } from 'rxjs';
import { HotFanout } from '../../lib/rpc/hot-fanout.js';

describe('HotFanout (the hot notification multicast)', () => {
  it('delivers each value to every current subscriber, in subscription order; none before subscribing', () => {
    const fanout = new HotFanout<number>();
    const got: string[] = [];
    fanout.next(0);
    fanout.observable.subscribe((v) => got.push(`a${v}`));
    fanout.observable.subscribe((v) => got.push(`b${v}`));
    fanout.next(1);
    expect(got).toEqual(['a1', 'b1']);
    expect(fanout.observed).toBe(true);
  });

  it('during next(): a subscriber added gets values from the next one; one removed gets nothing more', () => {
    const fanout = new HotFanout<number>();
    const got: string[] = [];
    let b: Subscription | undefined;
    fanout.observable.subscribe((v) => {
      got.push(`a${v}`);
      if (v === 1) {
        b?.unsubscribe();
        fanout.observable.subscribe((w) => got.push(`c${w}`));
      }
    });
    b = fanout.observable.subscribe((v) => got.push(`b${v}`));
    fanout.next(1);
    fanout.next(2);
    expect(got).toEqual(['a1', 'a2', 'c2']);
  });

  it('unsubscribing stops delivery; observed is false with nobody left', () => {
    const fanout = new HotFanout<number>();
    const got: number[] = [];
    const s = fanout.observable.subscribe((v) => got.push(v));
    s.unsubscribe();
    fanout.next(1);
    expect(got).toEqual([]);
    expect(fanout.observed).toBe(false);
  });

  it('complete() and error() end every subscriber, once; later subscribers get the end at once', () => {
    const completed = new HotFanout<number>();
    const events: string[] = [];
    completed.observable.subscribe({ complete: () => events.push('complete 1') });
    completed.complete();
    completed.error(new Error('ignored'));
    completed.observable.subscribe({ complete: () => events.push('complete late') });
    const failed = new HotFanout<number>();
    const boom = new Error('boom');
    failed.observable.subscribe({ error: (e) => events.push(`error 1 ${(e as Error).message}`) });
    failed.error(boom);
    failed.observable.subscribe({ error: (e) => events.push(`error late ${(e as Error).message}`) });
    failed.next(1);
    expect(events).toEqual(['complete 1', 'complete late', 'error 1 boom', 'error late boom']);
  });
});
