/** liveAcrossReconnects: a live stream that reconnects and resubscribes after a drop it may retry. */
import { Observable } from 'rxjs';
import { liveAcrossReconnects, type LiveHost } from '../../lib/rpc/live-link.js';
import type { TestScheduler } from 'rxjs/testing';
import { testScheduler } from '../support/expectations.js';

function host(connect: () => Observable<unknown>, mayReconnect: (e: unknown) => boolean) {
  const counts: number[] = [];
  let live = 0;
  const h: LiveHost = { connect, mayReconnectAfter: mayReconnect, counted: (d) => counts.push((live += d)) };
  return { h, counts, live: () => live };
}

/** The running test's scheduler: the retry's tick runs on it. */
let scheduler: TestScheduler;

describe('liveAcrossReconnects', () => {
  it('after a retryable error: reconnects, then resubscribes to a fresh source', () => {
    (scheduler = testScheduler()).run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('a-#', undefined, 'dropped');
      const second = cold('b-c');
      const sources = [first, second];
      const connect = cold('--(o|)');
      const { h } = host(() => connect, (e) => e === 'dropped');
      expectObservable(liveAcrossReconnects(h, () => sources.shift()!, scheduler), '^--------!').toBe('a---b-c--');
      expectSubscriptions(first.subscriptions).toBe('^-!');
      expectSubscriptions(connect.subscriptions).toBe('--^-!');
      expectSubscriptions(second.subscriptions).toBe('----^----!');
    });
  });

  it('an error it may not retry reaches the subscriber; completion too', () => {
    (scheduler = testScheduler()).run(({ cold, expectObservable }) => {
      const { h } = host(() => cold('(o|)'), () => false);
      expectObservable(liveAcrossReconnects(h, () => cold('a-#', undefined, 'refused'), scheduler)).toBe('a-#', undefined, 'refused');
      expectObservable(liveAcrossReconnects(h, () => cold('a-|'), scheduler)).toBe('a-|');
    });
  });

  it('counts itself live while subscribed, across the reconnect, and uncounts on unsubscribe', () => {
    (scheduler = testScheduler()).run(({ cold, expectObservable, flush }) => {
      const { h, counts, live } = host(() => cold('-(o|)'), () => true);
      const sources = [cold('#', undefined, 'x'), cold('a')];
      expectObservable(liveAcrossReconnects(h, () => sources.shift()!, scheduler), '^---!').toBe('-a');
      flush();
      expect(counts).toEqual([1, 0]);
      expect(live()).toBe(0);
    });
  });
});
