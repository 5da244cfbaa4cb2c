import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { TurnProgress } from 'codex-rx';
import { ItemView } from './item-view';

/** One turn: the user's prompt, what Codex did (reasoning, commands, file changes) and its answer. */
@Component({
  selector: 'app-turn-view',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ItemView],
  template: `
    <article class="turn" data-testid="turn" [attr.data-status]="progress().status">
      <p class="prompt" data-testid="turn-prompt">{{ prompt() }}</p>
      @for (p of work(); track p.id) {
        <app-item-view [progress]="p" [workspace]="workspace()" />
      }
      @for (answer of answers(); track answer.id) {
        <p class="answer" data-testid="answer">{{ answer.text }}</p>
      }
      <p class="turn-status" data-testid="turn-status" [attr.data-status]="progress().status">
        {{ statusText() }}
        @if (progress().error; as error) {
          · {{ error.message }}
        }
      </p>
      @if (failure()) {
        <p class="error" data-testid="turn-error">{{ failure() }}</p>
      }
    </article>
  `,
})
export class TurnView {
  readonly progress = input.required<TurnProgress>();
  readonly workspace = input<string | null>(null);
  /** Why following the turn failed (a refused call, a closed connection), if it did. */
  readonly failure = input<string | null>(null);

  protected readonly prompt = computed(() => {
    const user = this.progress().items.find((i) => i.type === 'userMessage')?.item;
    return user?.type === 'userMessage' ? user.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join(' ') : '';
  });
  /** Everything but the prompt and the answers: reasoning, commands, file changes, … */
  protected readonly work = computed(() => this.progress().items.filter((i) => i.type !== 'userMessage' && i.type !== 'agentMessage'));
  protected readonly answers = computed(() => this.progress().items.filter((i) => i.type === 'agentMessage'));
  protected readonly statusText = computed(() => {
    const s = this.progress().status;
    return s === 'starting' ? 'starting…' : s === 'inProgress' ? 'working…' : s;
  });
}
