import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { ApprovalList } from './approval-list';
import { Conversation } from './conversation';
import { ItemList } from './item-list';

/** The page: a prompt, the streaming answer, the turn's items, approvals, a Stop button, token usage. */
@Component({
  selector: 'app-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ApprovalList, ItemList],
  providers: [Conversation],
  template: `
    <header>
      <h1>codex-rx · Angular progress</h1>
      <span class="phase" data-testid="phase" [attr.data-phase]="c.phase()">{{ c.phase() }}</span>
    </header>

    <form (submit)="$event.preventDefault(); send()">
      <textarea data-testid="prompt" rows="3" placeholder="Ask Codex…" [value]="prompt()" (input)="prompt.set($any($event.target).value)"
        (keydown.control.enter)="send()"></textarea>
      <div class="buttons">
        <button type="submit" data-testid="send" [disabled]="!prompt().trim()">Send</button>
        <button type="button" data-testid="stop" [disabled]="!c.running()" (click)="c.stop()">Stop</button>
      </div>
    </form>

    @if (c.error(); as error) {
      <p class="error" data-testid="error" role="alert">{{ error }}</p>
    }

    <app-approval-list [requests]="c.approvals()" (answered)="c.answer($event.request, $event.accept)" />

    <section class="answer">
      <h2>Answer</h2>
      <p data-testid="answer">{{ c.progress().text }}</p>
    </section>

    @if (plan().length > 0) {
      <section class="plan" data-testid="plan">
        <h2>Plan</h2>
        <ul>
          @for (step of plan(); track $index) {
            <li [attr.data-status]="step.status">{{ step.step }} <span class="status">{{ step.status }}</span></li>
          }
        </ul>
      </section>
    }

    <section>
      <h2>Items</h2>
      <app-item-list [items]="c.progress().items" />
    </section>

    <footer data-testid="usage">
      @if (c.progress().usage; as usage) {
        tokens: {{ usage.total.totalTokens }} total · {{ usage.total.inputTokens }} input ({{ usage.total.cachedInputTokens }} cached) · {{ usage.total.outputTokens }} output
      } @else {
        tokens: none yet
      }
    </footer>
  `,
})
export class App {
  protected readonly c = inject(Conversation);
  protected readonly prompt = signal('');
  protected readonly plan = computed(() => this.c.progress().plan);

  protected send(): void {
    const text = this.prompt().trim();
    if (text) this.c.send(text);
  }
}
