/**
 * Every `$` property is one object per instance: shared, refCounted, replaying its latest value,
 * and restarted (a new read) by the first subscriber after none. What Angular's `async` pipe
 * needs: it reads the property on every change detection and resubscribes only when the object
 * changes. Script letters deliver notifications; r answers the read.
 */
import type { Observable, Subscription } from 'rxjs';
import type { Thread } from '../../lib/thread.js';
import { FAKE_THREAD_ID, threadReadResponse, threadStatusChanged } from '../../lib/testing/index.js';
import { openThread } from '../support/hand-server.js';
import { ACTIVE, eachStreamBench, IDLE } from './support.js';

/** What the `async` pipe does with a property: on each change detection it reads it, and resubscribes only when it got a different object. */
class AsyncPipeLike<T> {
  latest: T | undefined;
  private source?: Observable<T>;
  private subscription?: Subscription;

  check(read: () => Observable<T>): void {
    const source = read();
    if (source === this.source) return;
    this.subscription?.unsubscribe();
    this.source = source;
    this.subscription = source.subscribe((v) => (this.latest = v));
  }

  destroy(): void {
    this.subscription?.unsubscribe();
    this.source = undefined;
  }
}

describe('stable $ properties', () => {
  let thread: Thread;
  const b = eachStreamBench(() => {
    thread = openThread(b.codex, b.transport);
  });

  it.each([
    ['thread.status$', () => thread.status$],
    ['thread.name$', () => thread.name$],
    ['thread.tokenUsage$', () => thread.tokenUsage$],
    ['codex.rateLimits$', () => b.codex.rateLimits$],
    ['codex.mcpServerStatus$', () => b.codex.mcpServerStatus$],
    ['codex.remoteControlStatus$', () => b.codex.remoteControlStatus$],
    ['codex.state$', () => b.codex.state$],
    ['codex.notifications$', () => b.codex.notifications$],
  ])('%s returns the same object on every read', (_name, read) => {
    expect(read()).toBe(read());
  });

  it('change detection reading thread.status$ many times sends ONE thread/read; changes still arrive', () => {
    const seen: unknown[] = [];
    b.scheduler.run(({ hot, expectObservable }) => {
      const pipe = new AsyncPipeLike<unknown>();
      // Change detection runs on every frame; each one reads the property.
      hot('  c-c-c-c-c-c-c').subscribe(() => {
        pipe.check(() => thread.status$);
        seen.push(pipe.latest);
      });
      b.serve(hot, '  --r---a---i', { r: () => b.server.respondTo('thread/read', threadReadResponse()), a: threadStatusChanged(ACTIVE), i: threadStatusChanged(IDLE) });
      expectObservable(b.sent$({ R: 'thread/read' })).toBe('R', { R: 'thread/read' });
      hot('--------------x').subscribe(() => pipe.destroy());
    });
    expect(seen).toEqual([undefined, undefined, { type: 'idle' }, { type: 'idle' }, { type: 'active', activeFlags: [] }, { type: 'active', activeFlags: [] }, { type: 'idle' }]);
    expect(b.server.paramsOf('thread/read')).toEqual([{ threadId: FAKE_THREAD_ID, includeTurns: false }]);
  });

  it('a second subscriber shares the read and gets the latest value at once', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -r--a', { r: () => b.server.respondTo('thread/read', threadReadResponse()), a: threadStatusChanged(ACTIVE) });
      expectObservable(thread.status$, '^-----!').toBe('-i--a-', { i: { type: 'idle' }, a: { type: 'active', activeFlags: [] } });
      expectObservable(thread.status$, '---^--!').toBe('---ia-', { i: { type: 'idle' }, a: { type: 'active', activeFlags: [] } });
    });
    expect(b.server.paramsOf('thread/read')).toHaveLength(1);
  });

  it('after the last subscriber left, the next one reads afresh (no stale replay)', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -r--a----r', { r: () => b.server.respondTo('thread/read', threadReadResponse()), a: threadStatusChanged(ACTIVE) });
      expectObservable(thread.status$, '^-------!').toBe('-i--a---', { i: { type: 'idle' }, a: { type: 'active', activeFlags: [] } });
      expectObservable(thread.status$, '---------^-!').toBe('---------i', { i: { type: 'idle' } });
    });
    expect(b.server.paramsOf('thread/read')).toHaveLength(2);
  });
});
