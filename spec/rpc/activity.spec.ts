import { firstValueFrom } from 'rxjs';
import { Activity } from '../../lib/rpc/activity.js';
import { Connection, type ConnectionState } from '../../lib/rpc/connection.js';
import { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';
import { clientInfo } from './support.js';

describe('Activity (keep-alive by hold tokens)', () => {
  function setup(initial: ConnectionState = 'ready') {
    let state = initial;
    const reports: boolean[] = [];
    const activity = new Activity(
      () => state,
      (alive) => reports.push(alive),
    );
    return {
      activity,
      reports,
      to(next: ConnectionState) {
        state = next;
      },
    };
  }

  it('ready: reports busy on the first hold and idle on the last release, nothing in between', () => {
    const { activity, reports } = setup();
    const a = activity.hold();
    const b = activity.hold();
    expect(reports).toEqual([true]);
    a();
    expect(reports).toEqual([true]);
    expect(activity.keepsProcessAlive).toBe(true);
    b();
    expect(reports).toEqual([true, false]);
    expect(activity.keepsProcessAlive).toBe(false);
  });

  it('a release called twice counts once: it cannot free another hold', () => {
    const { activity, reports } = setup();
    const a = activity.hold();
    const b = activity.hold();
    a();
    a();
    expect(activity.keepsProcessAlive).toBe(true);
    expect(reports).toEqual([true]);
    b();
    b();
    expect(reports).toEqual([true, false]);
    // Not below zero: the next hold is a transition again.
    activity.hold();
    expect(reports).toEqual([true, false, true]);
  });

  it('idle (before the first use): holds report nothing; connecting is busy whatever is held', () => {
    const { activity, reports, to } = setup('idle');
    const a = activity.hold();
    a();
    activity.update();
    expect(reports).toEqual([]);
    to('connecting');
    activity.update();
    expect(reports).toEqual([true]);
    const b = activity.hold();
    b();
    expect(reports).toEqual([true]); // still connecting: busy
    to('ready');
    activity.update();
    expect(reports).toEqual([true, false]);
  });

  it('ended(): tells a busy transport once to stop; says nothing to one never told to keep alive', () => {
    const busy = setup();
    busy.activity.hold();
    busy.to('closed');
    busy.activity.ended();
    busy.activity.ended();
    expect(busy.reports).toEqual([true, false]);

    const quiet = setup();
    quiet.to('closed');
    quiet.activity.ended();
    expect(quiet.reports).toEqual([]);
  });

  it('reset() (a new transport): the next busy state is reported again', () => {
    const { activity, reports, to } = setup('connecting');
    activity.update();
    to('closed');
    activity.ended();
    activity.reset();
    expect(activity.keepsProcessAlive).toBe(false);
    to('connecting');
    activity.update();
    expect(reports).toEqual([true, false, true]);
  });
});

describe('Connection keep-alive: the transport hears only the flips', () => {
  class CountingTransport extends InMemoryTransport {
    readonly calls: boolean[] = [];
    override keepAlive(alive: boolean): void {
      this.calls.push(alive);
      super.keepAlive(alive);
    }
  }

  it('overlapping requests, listeners, turn claims and server requests: one true while any lives, one false after the last', async () => {
    const transport = new CountingTransport();
    // model/list has no handler on this fake: it stays unanswered until the test ends it.
    let answer: ((value: unknown) => void) | undefined;
    const connection = new Connection(transport, {
      clientInfo,
      serverRequestHandler: () => new Promise((resolve) => (answer = resolve)),
    });
    await firstValueFrom(connection.connect());
    expect(transport.calls).toEqual([true, false]); // the handshake, then idle

    const first = connection.request('model/list', {}).subscribe();
    const second = connection.request('model/list', {}).subscribe();
    const listener = connection.notifications$.subscribe();
    const claim = connection.claimTurn('thr', { next: () => undefined, error: () => undefined });
    claim.bind('turn');
    transport.emit({ id: 'srv-1', method: 'item/tool/call', params: {} });
    expect(transport.calls).toEqual([true, false, true]);

    first.unsubscribe();
    second.unsubscribe();
    listener.unsubscribe();
    claim.release(); // after bind: a no-op for the route, and no extra report
    connection.releaseTurn('turn');
    expect(transport.calls).toEqual([true, false, true]); // the server request still holds
    answer!({ contentItems: [], success: true });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(transport.calls).toEqual([true, false, true, false]);
    expect(connection.stats).toEqual({ pendingRequests: 0, pendingServerRequests: 0, routes: 0, claimedThreads: 0, bufferedMessages: 0, trackedRequests: 0 });
    await connection.close();
    expect(transport.calls).toEqual([true, false, true, false]); // nothing held: nothing more to say
  });

  it('closed while busy: alive=false is reported once, whatever was in flight', async () => {
    const transport = new CountingTransport();
    const connection = new Connection(transport, { clientInfo });
    await firstValueFrom(connection.connect());
    const errors: unknown[] = [];
    connection.request('model/list', {}).subscribe({ error: (e) => errors.push(e) });
    connection.notifications$.subscribe({ complete: () => errors.push('notifications$ completed') }); // close() by the client completes it
    connection.claimTurn('thr', { next: () => undefined, error: (e) => errors.push(e) });
    await connection.close();
    expect(errors).toHaveLength(3);
    expect(transport.calls).toEqual([true, false, true, false]);
    expect(connection.keepsProcessAlive).toBe(false);
  });
});
