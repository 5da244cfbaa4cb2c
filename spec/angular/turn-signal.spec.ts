import { createEnvironmentInjector, DestroyRef, EnvironmentInjector, runInInjectionContext } from '@angular/core';
import { Observable, Subject } from 'rxjs';
import { turnSignal } from '../../lib/angular/index.js';
import { INITIAL_TURN_PROGRESS, TransportClosedError, type TurnEvent } from '../../lib/index.js';

function injector(): EnvironmentInjector {
  const platform = createEnvironmentInjector([], null as unknown as EnvironmentInjector);
  return createEnvironmentInjector([], platform);
}

const started = { method: 'turn/started', params: { threadId: 'th', turn: { id: 'tu', items: [], status: 'inProgress', error: null } } } as unknown as TurnEvent;
const delta = (text: string) => ({ method: 'item/agentMessage/delta', params: { threadId: 'th', turnId: 'tu', itemId: 'm1', delta: text } }) as unknown as TurnEvent;
const completed = { method: 'turn/completed', params: { threadId: 'th', turn: { id: 'tu', items: [], status: 'completed', error: null } } } as unknown as TurnEvent;

/** A turn stream whose subscriptions are counted (a real turn sends turn/interrupt when left early). */
function turnStream() {
  const events = new Subject<TurnEvent>();
  const counts = { subscribed: 0 };
  const events$ = new Observable<TurnEvent>((subscriber) => {
    counts.subscribed++;
    return events.subscribe(subscriber);
  });
  return { events, events$, counts };
}

describe('turnSignal', () => {
  test('subscribes at once and folds each event into progress(); following() ends with the turn', () => {
    const env = injector();
    const turn = turnStream();
    const t = runInInjectionContext(env, () => turnSignal(turn.events$));
    expect(turn.counts.subscribed).toBe(1);
    expect(t.progress()).toBe(INITIAL_TURN_PROGRESS);
    expect(t.following()).toBe(true);

    turn.events.next(started);
    turn.events.next(delta('Hel'));
    turn.events.next(delta('lo'));
    expect(t.progress()).toMatchObject({ turnId: 'tu', status: 'inProgress', text: 'Hello' });
    turn.events.next(completed);
    turn.events.complete();
    expect(t.progress().status).toBe('completed');
    expect(t.following()).toBe(false);
    expect(t.error()).toBeUndefined();
    env.destroy();
  });

  test('destroying the injection context unsubscribes (a thread.turn() is interrupted)', () => {
    const env = injector();
    const turn = turnStream();
    const t = runInInjectionContext(env, () => turnSignal(turn.events$));
    turn.events.next(started);
    env.destroy();
    expect(turn.events.observed).toBe(false);
    expect(t.following()).toBe(false);
    turn.events.next(delta('late')); // nobody listens any more
    expect(t.progress().text).toBe('');
  });

  test('outside an injection context it takes a DestroyRef; without one it says so', () => {
    const env = injector();
    const turn = turnStream();
    expect(() => turnSignal(turn.events$)).toThrow(/injection context/);
    expect(turn.counts.subscribed).toBe(0);

    const t = turnSignal(turn.events$, { destroyRef: env.get(DestroyRef) });
    expect(turn.counts.subscribed).toBe(1);
    t.stop();
    expect(turn.events.observed).toBe(false);
    expect(t.following()).toBe(false);
    env.destroy();
  });

  test('stop() unsubscribes once; a later destroy does nothing more', () => {
    const env = injector();
    const turn = turnStream();
    const t = runInInjectionContext(env, () => turnSignal(turn.events$));
    turn.events.next(started);
    t.stop();
    t.stop();
    expect(turn.events.observed).toBe(false);
    env.destroy();
    expect(turn.counts.subscribed).toBe(1);
  });

  test('a stream error becomes error(), not a throw when progress() is read', () => {
    const env = injector();
    const turn = turnStream();
    const t = runInInjectionContext(env, () => turnSignal(turn.events$));
    turn.events.next(started);
    const failure = new TransportClosedError('the connection closed');
    turn.events.error(failure);
    expect(t.error()).toBe(failure);
    expect(t.following()).toBe(false);
    expect(t.progress().status).toBe('inProgress');
    env.destroy();
  });

  test('a stream that ends synchronously leaves no destroy hook behind', () => {
    const env = injector();
    const t = runInInjectionContext(env, () => turnSignal(new Observable<TurnEvent>((s) => (s.next(started), s.next(completed), s.complete()))));
    expect(t.progress().status).toBe('completed');
    expect(t.following()).toBe(false);
    env.destroy();
  });
});
