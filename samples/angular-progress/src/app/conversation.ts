import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { injectCodex } from 'codex-rx/angular';
import { Answers, INITIAL_TURN_PROGRESS, safeAnswer, turnProgress, type PendingServerRequest, type Thread, type TurnProgress } from 'codex-rx';
import { shareReplay, switchMap, type Observable, type Subscription } from 'rxjs';
import { errorText } from './error-text';

/** Where the current turn stands, as the page shows it. */
export type TurnPhase = 'idle' | 'running' | 'completed' | 'stopped' | 'interrupted' | 'failed';

/**
 * One thread and its turns, as signals for the page. A turn is a subscription: Stop unsubscribes,
 * which makes codex-rx interrupt the turn on the server.
 */
@Injectable()
export class Conversation {
  private readonly codex = injectCodex();
  /** Started on the first prompt; a failed start is retried on the next one (shareReplay resets on error). */
  private readonly thread$: Observable<Thread> = this.codex.threadStart().pipe(shareReplay(1));
  private turn?: Subscription;

  readonly phase = signal<TurnPhase>('idle');
  readonly progress = signal<TurnProgress>(INITIAL_TURN_PROGRESS);
  readonly error = signal<string | null>(null);
  /** Approvals and questions waiting for the user, oldest first. */
  readonly approvals = signal<readonly PendingServerRequest[]>([]);
  readonly running = computed(() => this.phase() === 'running');

  constructor() {
    // Nobody else claims server requests, so each one waits here until the user answers it.
    this.codex.pendingRequests$.pipe(takeUntilDestroyed()).subscribe((request) => {
      this.approvals.update((list) => [...list, request]);
      // Answered (here or by a timeout), or the connection closed: the card goes away.
      request.signal.addEventListener('abort', () => this.approvals.update((list) => list.filter((r) => r !== request)), { once: true });
    });
    inject(DestroyRef).onDestroy(() => this.turn?.unsubscribe());
  }

  /** Starts a turn with `prompt` (stopping one still running). */
  send(prompt: string): void {
    this.stop();
    this.error.set(null);
    this.progress.set(INITIAL_TURN_PROGRESS);
    this.phase.set('running');
    this.turn = this.thread$
      .pipe(
        switchMap((thread) => thread.turn(prompt)),
        turnProgress(),
      )
      .subscribe({
        next: (p) => this.progress.set(p),
        error: (e: unknown) => {
          this.error.set(errorText(e));
          this.phase.set('failed');
        },
        complete: () => {
          const status = this.progress().status;
          this.phase.set(status === 'completed' || status === 'interrupted' || status === 'failed' ? status : 'completed');
          if (status === 'failed') this.error.set(this.progress().error?.message ?? 'The turn failed.');
        },
      });
  }

  /** Stops the running turn: unsubscribing interrupts it on the server. */
  stop(): void {
    if (!this.turn || this.turn.closed) return;
    this.turn.unsubscribe();
    this.phase.set('stopped');
  }

  /** Answers an approval from the page. */
  answer(request: PendingServerRequest, accept: boolean): void {
    try {
      if (request.is('item/commandExecution/requestApproval') || request.is('item/fileChange/requestApproval')) {
        request.respond(accept ? Answers.accept() : Answers.decline());
      } else {
        // This page only offers Decline for anything else (questions, permissions…): the safe answer.
        request.respond(safeAnswer(request.method) as never);
      }
    } catch (e) {
      this.error.set(errorText(e));
    }
  }
}
