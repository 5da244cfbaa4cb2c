import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { ItemProgress } from 'codex-rx';
import { commandOutput, itemStatus, itemSummary } from './item-text';

const LABELS: Record<string, string> = {
  userMessage: 'prompt',
  agentMessage: 'answer',
  reasoning: 'reasoning',
  commandExecution: 'command',
  fileChange: 'file change',
  plan: 'plan',
};

/** The turn's items as they start and finish, with their live status. */
@Component({
  selector: 'app-item-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ol class="items">
      @for (p of items(); track p.id) {
        <li class="item" [attr.data-type]="p.type" [attr.data-status]="status(p)" data-testid="item">
          <span class="status" [class]="status(p)">{{ status(p) }}</span>
          <span class="type">{{ label(p) }}</span>
          <span class="summary">{{ summary(p) }}</span>
          @if (p.type === 'commandExecution' && output(p)) {
            <pre class="output" data-testid="command-output">{{ output(p) }}</pre>
          }
        </li>
      }
    </ol>
  `,
})
export class ItemList {
  readonly items = input.required<readonly ItemProgress[]>();

  protected label(p: ItemProgress): string {
    return LABELS[p.type] ?? p.type;
  }
  protected summary = itemSummary;
  protected status = itemStatus;
  protected output = commandOutput;
}
