import { Injectable, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { injectCodex } from 'codex-rx/angular';
import { Answers, safeAnswer, type PendingServerRequest } from 'codex-rx';
import { errorText } from './error-text';

/**
 * Approvals and questions waiting for the user, oldest first. Nobody else claims server requests,
 * so each waits here until answered — in this tab or another one of this user (the first answer
 * wins; the card goes away everywhere).
 */
@Injectable({ providedIn: 'root' })
export class Approvals {
  readonly waiting = signal<readonly PendingServerRequest[]>([]);
  readonly error = signal<string | null>(null);

  constructor() {
    injectCodex()
      .pendingRequests$.pipe(takeUntilDestroyed())
      .subscribe((request) => {
        this.waiting.update((list) => [...list, request]);
        // Answered (here, in another tab, or by a timeout), or the connection closed: the card goes.
        request.signal.addEventListener('abort', () => this.waiting.update((list) => list.filter((r) => r !== request)), { once: true });
      });
  }

  answer(request: PendingServerRequest, accept: boolean): void {
    try {
      if (request.is('item/commandExecution/requestApproval') || request.is('item/fileChange/requestApproval')) {
        request.respond(accept ? Answers.accept() : Answers.decline());
      } else {
        // Anything else (questions, permissions…) gets only Decline here: the safe answer.
        request.respond(safeAnswer(request.method) as never);
      }
    } catch (e) {
      this.error.set(errorText(e));
    }
  }
}
