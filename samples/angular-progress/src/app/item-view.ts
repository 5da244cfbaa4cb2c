import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ItemProgress } from 'codex-rx';
import { DiffView } from './diff-view';
import { commandOutput, commandText, itemStatus } from './item-text';
import { relativePath, withoutWorkspace } from './workspace-path';

type Item = ItemProgress['item'];

/** One item of a turn: a command with its output, a file change with its diff, a reasoning summary. */
@Component({
  selector: 'app-item-view',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DiffView],
  template: `
    @let p = progress();
    @let item = value();
    <div class="item" data-testid="item" [attr.data-type]="p.type" [attr.data-status]="status()">
      @switch (item?.type) {
        @case ('reasoning') {
          <p class="reasoning" data-testid="reasoning">{{ reasoning() || 'thinking…' }}</p>
        }
        @case ('commandExecution') {
          <div class="head"><span class="label">$</span> <code data-testid="command">{{ command() }}</code> <span class="status" [class]="status()">{{ status() }}</span></div>
          @if (output()) {
            <pre class="output" data-testid="command-output">{{ output() }}</pre>
          }
        }
        @case ('fileChange') {
          <div class="head"><span class="label">changed</span> <span class="status" [class]="status()">{{ status() }}</span></div>
          @for (change of changes(); track change.path) {
            <div class="file" data-testid="file-change">
              <div class="path" data-testid="file-path">{{ change.kind.type }} {{ change.path }}</div>
              <app-diff-view [change]="change" />
            </div>
          }
        }
        @default {
          <div class="head"><span class="label">{{ p.type }}</span> <span class="status" [class]="status()">{{ status() }}</span></div>
        }
      }
    </div>
  `,
})
export class ItemView {
  readonly progress = input.required<ItemProgress>();
  /** The thread's workspace: paths in the item are shown relative to it. */
  readonly workspace = input<string | null>(null);

  protected readonly value = computed(() => this.progress().item as Item | undefined);
  protected readonly status = computed(() => itemStatus(this.progress()));
  protected readonly reasoning = computed(() => {
    const item = this.value();
    return item?.type === 'reasoning' ? item.summary.join(' ') : '';
  });
  protected readonly command = computed(() => {
    const item = this.value();
    return item?.type === 'commandExecution' ? withoutWorkspace(this.workspace(), commandText(item.command, item.commandActions)) : '';
  });
  protected readonly output = computed(() => withoutWorkspace(this.workspace(), commandOutput(this.progress()) ?? '').trimEnd());
  protected readonly changes = computed(() => {
    const item = this.value();
    if (item?.type !== 'fileChange') return [];
    const ws = this.workspace();
    return item.changes.map((c) => ({ ...c, path: relativePath(ws, c.path), diff: withoutWorkspace(ws, c.diff) }));
  });
}
