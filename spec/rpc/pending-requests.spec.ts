import { Observable, type Subscriber } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { RequestTimeoutError } from '../../lib/errors.js';
import { Activity } from '../../lib/rpc/activity.js';
import { PendingRequests } from '../../lib/rpc/pending-requests.js';

describe('PendingRequests (ids, answers awaited, deadlines)', () => {
  function setup(scheduler?: TestScheduler) {
    const reports: boolean[] = [];
    const activity = new Activity(
      () => 'ready',
      (alive) => reports.push(alive),
    );
    return { pending: new PendingRequests(() => activity.hold(), scheduler), activity, reports };
  }

  /** A real Subscriber (what Connection.request hands over) and what it received. */
  function subscriber() {
    const events: unknown[] = [];
    let captured!: Subscriber<unknown>;
    new Observable<unknown>((s) => void (captured = s)).subscribe({ next: (v) => events.push(v), error: (e) => events.push(e), complete: () => events.push('complete') });
    return { events, subscriber: captured };
  }

  it('gives each request a fresh id; an entry holds the connection until it is taken or forgotten', () => {
    const { pending, activity } = setup();
    const a = pending.add('model/list', subscriber().subscriber);
    const b = pending.add('thread/read', subscriber().subscriber);
    expect(a).not.toEqual(b);
    expect(pending.size).toBe(2);
    expect(activity.keepsProcessAlive).toBe(true);
    expect(pending.take(a)?.method).toBe('model/list');
    expect(pending.take(a)).toBeUndefined(); // answered twice: not pending any more
    pending.forget(b);
    pending.forget(b);
    expect(pending.size).toBe(0);
    expect(activity.keepsProcessAlive).toBe(false);
  });

  it('a deadline errors the request with RequestTimeoutError and releases it; an answer in time cancels it', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ flush }) => {
      const { pending, activity } = setup(scheduler);
      const late = subscriber();
      const onTime = subscriber();
      const lateId = pending.add('model/list', late.subscriber);
      const onTimeId = pending.add('thread/read', onTime.subscriber);
      pending.expireAfter(lateId, 50);
      pending.expireAfter(onTimeId, 50);
      pending.take(onTimeId);
      flush();
      expect(late.events).toEqual([new RequestTimeoutError('model/list', 50)]);
      expect(onTime.events).toEqual([]);
      expect(pending.size).toBe(0);
      expect(activity.keepsProcessAlive).toBe(false);
    });
  });

  it('failAll errors every request at once with the same error and releases every hold', () => {
    const { pending, reports } = setup();
    const subs = [subscriber(), subscriber(), subscriber()];
    for (const s of subs) pending.add('model/list', s.subscriber);
    const error = new Error('gone');
    pending.failAll(error);
    expect(subs.map((s) => s.events)).toEqual([[error], [error], [error]]);
    expect(pending.size).toBe(0);
    expect(reports).toEqual([true, false]);
  });
});
