import { Injectable, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { injectCodex } from 'codex-rx/angular';
import { Answers, safeAnswer, type PendingServerRequest } from 'codex-rx';
import { filter } from 'rxjs';
import { errorText } from './error-text';

/**
 * Approvals and questions waiting for the user, oldest first. Nobody else claims server requests,
 * so each waits here until answered — in this tab or another one of this user (the first answer
 * wins; the card goes away in every tab).
 */
@Injectable({ providedIn: 'root' })
export class Approvals {
  readonly waiting = signal<readonly PendingServerRequest[]>([]);
  readonly error = signal<string | null>(null);

  constructor() {
    const codex = injectCodex();
    codex.pendingRequests$.pipe(takeUntilDestroyed()).subscribe((request) => {
      this.waiting.update((list) => [...list, request]);
      // Answered here or timed out, or the connection closed: the card goes.
      request.signal.addEventListener('abort', () => this.waiting.update((list) => list.filter((r) => r !== request)), { once: true });
    });
    // Answered in another tab of this user: the server says it is resolved.
    codex.notifications$
      .pipe(
        filter((n) => n.method === 'serverRequest/resolved'),
        takeUntilDestroyed(),
      )
      .subscribe((n) => {
        const id = String((n.params as { requestId: string | number }).requestId);
        this.waiting.update((list) => list.filter((r) => String(r.id) !== id));
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
