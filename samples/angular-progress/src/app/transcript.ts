import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { of, switchMap } from 'rxjs';
import { ApprovalList } from './approval-list';
import { Approvals } from './approvals';
import { Conversation } from './conversation';
import { errorText } from './error-text';
import { TurnView } from './turn-view';

/** The selected thread: every turn, the approvals waiting, the prompt box with Send and Stop, token usage. */
@Component({
  selector: 'app-transcript',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ApprovalList, TurnView],
  template: `
    @if (c.thread(); as thread) {
      <section class="turns" data-testid="transcript">
        @for (turn of c.turns(); track turn.key) {
          <app-turn-view [progress]="turn.progress()" [workspace]="c.workspace()" [failure]="failure(turn.live?.error())" />
        } @empty {
          <p class="hint">A new thread. Ask Codex something below.</p>
        }
      </section>

      <app-approval-list [requests]="approvals.waiting()" [workspace]="c.workspace()" (answered)="approvals.answer($event.request, $event.accept)" />

      <form class="composer" (submit)="$event.preventDefault(); send()">
        <textarea data-testid="prompt" rows="3" placeholder="Ask Codex…" [value]="prompt()" (input)="prompt.set($any($event.target).value)"
          (keydown.control.enter)="send()"></textarea>
        <div class="buttons">
          <button type="submit" data-testid="send" [disabled]="!prompt().trim() || !!c.running()">Send</button>
          <button type="button" data-testid="stop" [disabled]="!c.running()" (click)="c.stop()">Stop</button>
          <span class="usage" data-testid="usage">
            @if (usage(); as u) {
              tokens: {{ u.total.totalTokens }} total · {{ u.total.inputTokens }} in ({{ u.total.cachedInputTokens }} cached) · {{ u.total.outputTokens }} out
            } @else {
              tokens: none yet
            }
          </span>
        </div>
      </form>
    } @else if (c.loading()) {
      <p class="hint">Loading the thread…</p>
    } @else {
      <p class="hint" data-testid="no-thread">Pick a thread on the left, or start a new one.</p>
    }
    @if (c.error() ?? approvals.error(); as error) {
      <p class="error" data-testid="error" role="alert">{{ error }}</p>
    }
  `,
})
export class Transcript {
  protected readonly c = inject(Conversation);
  protected readonly approvals = inject(Approvals);
  protected readonly prompt = signal('');
  /** The thread's usage as the server reports it; else the last turn's. */
  private readonly reported = toSignal(toObservable(this.c.thread).pipe(switchMap((t) => (t ? t.tokenUsage$ : of(null)))), { initialValue: null });
  protected readonly usage = computed(() => this.reported() ?? this.c.turns().map((t) => t.progress().usage).filter((u) => u !== null).at(-1) ?? null);

  protected failure(error: unknown): string | null {
    return error === undefined ? null : errorText(error);
  }

  protected send(): void {
    const text = this.prompt().trim();
    if (!text || this.c.running()) return;
    this.c.send(text);
    this.prompt.set('');
  }
}
