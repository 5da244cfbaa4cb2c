/** stableLive: one shared subscription that replays its last value, reset when nobody listens. */
import { TestScheduler } from 'rxjs/testing';
import { stableLive } from '../../lib/streams/stable-live.js';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('stableLive', () => {
  it('shares one subscription and replays the last value to a late subscriber', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-c---|');
      const live = stableLive(source);
      expectObservable(live, '^-------!').toBe('a-b-c---');
      expectObservable(live, '---^----!').toBe('---bc---');
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('unsubscribes the source when the last subscriber leaves, and starts afresh on the next', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-c');
      const live = stableLive(source);
      expectObservable(live, '^--!').toBe('a-b');
      expectObservable(live, '-----^--!').toBe('-----a-b');
      expectSubscriptions(source.subscriptions).toBe(['^--!', '-----^--!']);
    });
  });

  it('an error reaches every subscriber and the next subscription retries the source', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-#');
      const live = stableLive(source);
      expectObservable(live, '^').toBe('a-#');
      expectObservable(live, '----^').toBe('----a-#');
      expectSubscriptions(source.subscriptions).toBe(['^-!', '----^-!']);
    });
  });
});
