/**
 * liveState() over the in-memory app-server, seen through thread.status$ (the states built on it
 * are spec/streams/live-states.marbles.spec.ts). Script letters deliver change notifications; r
 * answers the read; K kills the app-server.
 */
import { Observable } from 'rxjs';
import { ProtocolError, TransportClosedError } from '../../lib/errors.js';
import { liveState, MAX_CHANGES_BEFORE_READ, stateChange } from '../../lib/streams/live-state.js';
import type { Thread } from '../../lib/thread.js';
import { threadReadResponse, threadStatusChanged } from '../../lib/testing/index.js';
import { openThread } from '../support/hand-server.js';
import { anError } from '../support/expectations.js';
import { ACTIVE, eachStreamBench, IDLE, streamBench } from './support.js';

describe('live state (marbles)', () => {
  let thread: Thread;
  const b = eachStreamBench(() => {
    thread = openThread(b.codex, b.transport);
  });

  it('applies changes that arrive while the read is in flight to the read value', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -a-r-i', { r: () => b.server.respondTo('thread/read', threadReadResponse()), a: threadStatusChanged(ACTIVE) });
      expectObservable(thread.status$).toBe('---a', { a: ACTIVE });
    });
  });

  it('errors when the read fails, and with TransportClosedError when the app-server dies or the client closes', async () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  r-a-K', { r: () => b.server.respondTo('thread/read', threadReadResponse()), a: threadStatusChanged(ACTIVE), K: () => b.transport.fail() });
      expectObservable(thread.status$).toBe('i-a-#', { i: IDLE, a: ACTIVE }, anError(TransportClosedError));
    });
    const c = streamBench();
    const t = openThread(c.codex, c.transport);
    c.transport.onRequest('thread/read', () => {
      throw { code: -32600, message: 'thread not loaded' };
    });
    const errors: unknown[] = [];
    t.status$.subscribe({ error: (e) => errors.push(e) });
    c.transport.onRequest('thread/read', () => threadReadResponse());
    t.name$.subscribe({ error: (e) => errors.push(e) });
    await c.codex.close();
    expect(errors).toEqual([expect.objectContaining({ code: -32600 }), anError(TransportClosedError)]);
  });

  it('liveState() bounds the changes held while the read is in flight', () => {
    const errors: unknown[] = [];
    const never = () => new Observable<number>(() => undefined); // a read that is never answered
    liveState<number>(b.connection, never, [stateChange({ method: 'thread/status/changed', apply: (s) => s + 1 })]).subscribe({ error: (e) => errors.push(e) });
    for (let i = 0; i <= MAX_CHANGES_BEFORE_READ; i++) b.server.emit(threadStatusChanged(IDLE));
    expect(errors).toEqual([anError(ProtocolError)]);
  });
});
