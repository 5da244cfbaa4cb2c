import { assertInInjectionContext, DestroyRef, inject, signal, type Signal } from '@angular/core';
import type { Observable } from 'rxjs';
import { INITIAL_TURN_PROGRESS, turnProgress, type TurnProgress } from '../operators/turn-progress.js';
import type { TurnEvent } from '../turn/turn-event.js';

/** A turn followed into signals: what `turnSignal()` returns. */
export interface TurnSignal {
  /** The turn's latest snapshot (`turnProgress()`); `INITIAL_TURN_PROGRESS` before the first event. */
  readonly progress: Signal<TurnProgress>;
  /** True until the stream completes, fails or is stopped. */
  readonly following: Signal<boolean>;
  /** The stream's error (a refused call, a closed connection), or undefined. A failed *turn* is `progress().status === 'failed'`. */
  readonly error: Signal<unknown>;
  /**
   * Stops following: unsubscribes. For `thread.turn()` that interrupts the turn on the server; for
   * `thread.attach()` it only leaves (use `thread.interrupt(turnId)` to stop an attached turn).
   */
  stop(): void;
}

export interface TurnSignalOptions {
  /** Stops following when this is destroyed; default: the current injection context's `DestroyRef`. */
  readonly destroyRef?: DestroyRef;
}

/**
 * Subscribes to a turn's events now (`thread.turn(...)` starts the turn, `thread.attach(turnId)`
 * joins one) and keeps its progress in signals, for OnPush templates. The subscription ends with
 * the stream, with `stop()`, or when the `DestroyRef` is destroyed (the component or service that
 * shows the turn goes away). Unlike `toSignal()`, it may be called outside an injection context
 * (a click handler) when given a `destroyRef`, a stream error becomes `error()` instead of a throw
 * on read, and the turn can be stopped.
 *
 * @example
 * private readonly destroyRef = inject(DestroyRef);
 * send(prompt: string) { this.turn = turnSignal(this.thread.turn(prompt), { destroyRef: this.destroyRef }); }
 */
export function turnSignal(events$: Observable<TurnEvent>, options: TurnSignalOptions = {}): TurnSignal {
  if (!options.destroyRef) assertInInjectionContext(turnSignal);
  const destroyRef = options.destroyRef ?? inject(DestroyRef);
  const progress = signal(INITIAL_TURN_PROGRESS);
  const following = signal(true);
  const error = signal<unknown>(undefined);
  const ended = () => {
    following.set(false);
    unregister?.();
  };
  let unregister: (() => void) | undefined;
  const subscription = events$.pipe(turnProgress()).subscribe({
    next: (p) => progress.set(p),
    error: (e: unknown) => {
      error.set(e);
      ended();
    },
    complete: ended,
  });
  const stop = () => {
    subscription.unsubscribe();
    ended();
  };
  if (!subscription.closed) unregister = destroyRef.onDestroy(stop);
  return { progress: progress.asReadonly(), following: following.asReadonly(), error: error.asReadonly(), stop };
}
